using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Silo.Requests;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Caseworker;

/// <summary>
/// The caseworker follows a child they filed: status, proposals, placement, the whole timeline, and who handles it.
/// The desk decides; the caseworker can add information, change the urgency with a reason, and withdraw the request
/// (after a check step). Each goes through the request's grain, which allows it only to the caseworker who filed it.
/// </summary>
public sealed class ChildModel(ChildTimelines timelines, IGrainFactory grains) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty] public string? InformationText { get; set; }
    [BindProperty] public string? Urgency { get; set; }
    [BindProperty] public string? UrgencyReason { get; set; }
    [BindProperty] public long KnownVersion { get; set; }
    [BindProperty] public string? WithdrawReason { get; set; }
    [BindProperty] public bool WithdrawConfirmed { get; set; }

    public ChildTimeline Timeline { get; private set; } = null!;
    public string RegionName { get; private set; } = "";
    public ChildTimelines.Handlers Handlers { get; private set; } = null!;
    public Dictionary<string, string> Errors { get; } = [];
    /// <summary>The withdrawal is asked for with a valid reason: show the check step ("weet u het zeker?") instead of the forms.</summary>
    public bool CheckingWithdrawal { get; private set; }
    private string RegionCode { get; set; } = "";

    public async Task<IActionResult> OnGetAsync() => await ShowAsync(freshVersion: true) ? Page() : NotFound();

    /// <summary>Information for the desk: a note in the child's dossier, which the desk's open dossier shows live.</summary>
    public async Task<IActionResult> OnPostInformationAsync()
    {
        if (!await ShowAsync(freshVersion: false)) return NotFound();
        var text = InformationText?.Trim();
        if (string.IsNullOrEmpty(text)) Errors["information-text"] = "Schrijf op wat de tafel moet weten.";
        else if (text.Length > RequestGrain.MaxInformationLength) Errors["information-text"] = $"De informatie is hooguit {RequestGrain.MaxInformationLength} tekens.";
        else if (PlainText.DutchProblemWith(text, "De informatie") is { } notPlain) Errors["information-text"] = notPlain;
        if (Errors.Count > 0) return Page();
        return await DoAsync(grain => grain.AddInformation(Caller.Of(HttpContext).ToActor(), text, null), "information-text",
            "De informatie staat in het dossier; de tafel ziet haar meteen.");
    }

    /// <summary>A new urgency, with the reason, on the version the caseworker read.</summary>
    public async Task<IActionResult> OnPostUrgencyAsync()
    {
        if (!await ShowAsync(freshVersion: false)) return NotFound();
        if (Urgency is null || !Matching.Urgencies.All.Contains(Urgency)) Errors["urgency"] = "Kies de nieuwe urgentie.";
        else if (Urgency == Timeline.Urgency) Errors["urgency"] = $"De urgentie is al {Dutch.Urgency(Urgency).ToLowerInvariant()}; kies een andere.";
        if (PlainReason.ProblemWith(UrgencyReason, "Geef de reden waarom de urgentie verandert.") is { } problem) Errors["urgency-reason"] = problem;
        if (Errors.Count > 0) return Page();
        return await DoAsync(grain => grain.ChangeUrgency(Caller.Of(HttpContext).ToActor(), Urgency, UrgencyReason, KnownVersion), "urgency",
            $"De urgentie is nu {Dutch.Urgency(Urgency!).ToLowerInvariant()}; de tafel ziet de reden in het dossier.");
    }

    /// <summary>Withdrawing asks twice: first the reason (then the check step), then the confirmation.</summary>
    public async Task<IActionResult> OnPostWithdrawAsync()
    {
        if (!await ShowAsync(freshVersion: false)) return NotFound();
        if (WithdrawReason is null || !WithdrawalReasons.All.Contains(WithdrawReason)) Errors["withdraw-reason"] = "Kies waarom u de hulpvraag intrekt.";
        if (Errors.Count > 0) return Page();
        if (!WithdrawConfirmed)
        {
            CheckingWithdrawal = Timeline.Status == "open";
            return Page();
        }
        return await DoAsync(grain => grain.WithdrawAsCaseworker(Caller.Of(HttpContext).ToActor(), WithdrawReason), "withdraw-reason",
            "De hulpvraag is ingetrokken; lopende reserveringen zijn vrijgegeven en de tafel zoekt niet meer.");
    }

    private async Task<IActionResult> DoAsync(Func<IRequestGrain, Task> change, string field, string done)
    {
        try
        {
            await change(grains.Request(RegionCode, Id));
        }
        catch (MarketRuleException refusal) when (refusal.Code != RuleCode.NotFound)
        {
            Errors[field] = refusal.Code switch
            {
                RuleCode.RequestChanged => "De hulpvraag is intussen gewijzigd. Hieronder staat de nieuwe stand; probeer het opnieuw.",
                RuleCode.RequestNotOpen => "Deze hulpvraag is niet meer open; er verandert niets meer aan.",
                RuleCode.InvalidInput => "Dit kon niet worden opgeslagen; controleer wat u invulde.",
                _ => Dutch.Sentence(Dutch.Refusal(refusal.Code)),
            };
            // The page shows the request as it is now, and a new try is judged against that.
            await ShowAsync(freshVersion: true);
            return Page();
        }
        catch (MarketRuleException)
        {
            return NotFound();
        }
        TempData["Message"] = done;
        return Redirect($"/jeugdbeschermer/kind/{Id}");
    }

    /// <summary>Reads the child; <paramref name="freshVersion"/>: the forms carry the version just read (else the one posted).</summary>
    private async Task<bool> ShowAsync(bool freshVersion)
    {
        var caller = Caller.Of(HttpContext).ToActor();
        // Only the caseworker who filed the request sees it; anyone else's child answers as if it did not exist.
        if (await timelines.ForCaseworkerAsync(caller, Id) is not { } found) return false;
        (Timeline, RegionName, RegionCode) = found;
        Handlers = (await timelines.HandlersForCaseworkerAsync(caller, Id))!;
        if (freshVersion) KnownVersion = Timeline.Version;
        return true;
    }
}
