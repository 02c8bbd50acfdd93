using Matchmaker.Silo.Figures;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.National;

/// <summary>
/// The national re-match (<see cref="NationalRematch"/>): how many more children would be placed, and how much nearer,
/// if regions shared their places per expertise network or nationally.
/// </summary>
public sealed class RematchModel(NationalRematch rematch) : PageModel
{
    public RematchFigures Figures { get; private set; } = null!;

    public async Task OnGetAsync() => Figures = await rematch.ComputeAsync();

    /// <summary>The name and the one-line explanation of a way of sharing places.</summary>
    public static (string Name, string Explanation) Describe(Pool pool) => pool switch
    {
        Pool.EachRegionAlone => ("Elke regio apart", "Kinderen alleen naar plekken in hun eigen jeugdregio."),
        Pool.PerExpertiseNetwork => ("Per expertisenetwerk", "De regio's van één bovenregionaal expertisenetwerk delen hun plekken."),
        _ => ("Heel Nederland samen", "Alle plekken voor alle kinderen, binnen de maximale afstand van elk kind."),
    };
}
