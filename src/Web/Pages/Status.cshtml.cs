using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages;

/// <summary>
/// The page for "not found", "not allowed" and errors, in plain Dutch; open to anyone. A failed POST is re-executed here as
/// a POST, which changes nothing, so it needs no antiforgery token (else every such error would turn into a bare 400).
/// </summary>
[AllowAnonymous, IgnoreAntiforgeryToken]
public sealed class StatusModel : PageModel
{
    public string Title { get; private set; } = "";
    public string Explanation { get; private set; } = "";

    // From the route only: a re-executed POST carries the failed form, whose own "code" field (a sign-in code) would win.
    public void OnGet([FromRoute] int code) => Describe(code);
    public void OnPost([FromRoute] int code) => Describe(code);

    private void Describe(int code)
    {
        (Title, Explanation) = code switch
        {
            404 => ("Pagina niet gevonden", "Deze pagina bestaat niet, of u mag haar niet zien. Controleer het adres."),
            403 => ("Geen toegang", "U bent aangemeld, maar uw rol geeft geen toegang tot deze pagina."),
            401 => ("Niet aangemeld", "Meld u eerst aan."),
            400 => ("Verzoek niet begrepen", "Het verzoek was niet volledig of niet juist. Probeer het opnieuw."),
            _ => ("Er ging iets mis", "Er ging aan onze kant iets mis. Probeer het later opnieuw; blijft het misgaan, meld het dan bij de beheerder."),
        };
        // A re-executed error keeps its status code; a direct visit to /status/404 answers 404 too.
        Response.StatusCode = code is >= 400 and <= 599 ? code : 404;
    }
}
