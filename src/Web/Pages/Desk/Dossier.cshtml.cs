using Matchmaker.Silo.Data;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Desk;

/// <summary>One child's dossier for the desk: the status on top, the whole timeline, and what the desk can do next.</summary>
public sealed class DossierModel(Database database, Journal journal, IGrainFactory grains) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty] public string? WithdrawReason { get; set; }
    [BindProperty] public bool WithdrawConfirmed { get; set; }

    public ChildTimeline Timeline { get; private set; } = null!;
    public Dictionary<string, string> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync() => await ShowAsync() ? Page() : NotFound();

    /// <summary>Withdraws the request, with a reason and after the desk confirmed it; its holds are released.</summary>
    public async Task<IActionResult> OnPostWithdrawAsync()
    {
        if (WithdrawReason is null || !ChildTimeline.WithdrawReasons.ContainsKey(WithdrawReason))
            Errors["withdraw-reason"] = "Kies waarom de aanvraag wordt ingetrokken.";
        if (!WithdrawConfirmed)
            Errors["withdraw-confirmed"] = "Bevestig dat u de aanvraag wilt intrekken.";
        if (Errors.Count > 0) return await ShowAsync() ? Page() : NotFound();
        var caller = Caller.Of(HttpContext);
        if (!await grains.WithdrawRequestAsync(database, caller.ToActor(), Id, WithdrawReason))
        {
            Errors["withdraw-reason"] = "Deze aanvraag is niet meer open en kan niet worden ingetrokken.";
            return await ShowAsync() ? Page() : NotFound();
        }
        TempData["Message"] = "De aanvraag is ingetrokken; lopende reserveringen zijn vrijgegeven.";
        return Redirect($"/tafel/kind/{Id}");
    }

    private async Task<bool> ShowAsync()
    {
        var caller = Caller.Of(HttpContext);
        if (await ChildTimeline.ReadAsync(database, caller.RegionCode!, Id) is not { } timeline) return false;
        Timeline = timeline;
        await using var connection = await database.OpenAsync();
        await journal.AuditAsync(connection, null, caller.ToActor(), "request-read", "request", Id.ToString(), caller.RegionCode, $"{timeline.CaseReference} (dossier)");
        return true;
    }
}
