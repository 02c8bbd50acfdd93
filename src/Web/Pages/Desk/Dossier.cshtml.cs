using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Silo.Requests;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Desk;

/// <summary>One child's dossier for the desk: the status on top, the whole timeline, and what the desk can do next.</summary>
public sealed class DossierModel(ChildTimelines timelines, IGrainFactory grains, RequestReads requests, Silo.Regions.Municipalities municipalities) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty] public string? WithdrawReason { get; set; }
    [BindProperty] public bool WithdrawConfirmed { get; set; }
    [BindProperty] public string? SplitReason { get; set; }
    [BindProperty] public bool SplitConfirmed { get; set; }
    [BindProperty] public string? EscalationReason { get; set; }
    [BindProperty] public bool EscalationConfirmed { get; set; }

    public ChildTimeline Timeline { get; private set; } = null!;

    /// <summary>What the desk knows of the child (the dossier's read is audited with the timeline).</summary>
    public RequestView? Child { get; private set; }
    public string? MunicipalityName { get; private set; }
    public Dictionary<string, string> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync() => await ShowAsync() ? Page() : NotFound();

    /// <summary>Withdraws the request, with a reason and after the desk confirmed it; its holds are released.</summary>
    public async Task<IActionResult> OnPostWithdrawAsync()
    {
        if (WithdrawReason is null || !WithdrawalReasons.All.Contains(WithdrawReason))
            Errors["withdraw-reason"] = "Kies waarom de aanvraag wordt ingetrokken.";
        if (!WithdrawConfirmed)
            Errors["withdraw-confirmed"] = "Bevestig dat u de aanvraag wilt intrekken.";
        if (Errors.Count > 0) return await ShowAsync() ? Page() : NotFound();
        var caller = Caller.Of(HttpContext);
        try
        {
            await grains.Request(caller.RegionCode!, Id).Withdraw(caller.ToActor(), WithdrawReason);
        }
        catch (MarketRuleException refusal) when (refusal.Code == RuleCode.RequestNotOpen)
        {
            Errors["withdraw-reason"] = "Deze aanvraag is niet meer open en kan niet worden ingetrokken.";
            return await ShowAsync() ? Page() : NotFound();
        }
        TempData["Message"] = "De aanvraag is ingetrokken; lopende reserveringen zijn vrijgegeven.";
        return Redirect($"/tafel/kind/{Id}");
    }

    /// <summary>The desk decides that this child's sibling group may be placed apart: with a reason, after confirming.</summary>
    public async Task<IActionResult> OnPostSplitSiblingsAsync()
    {
        if (PlainReason.ProblemWith(SplitReason, "Geef de reden waarom de broers en zussen apart geplaatst mogen worden.") is { } problem)
            Errors["split-reason"] = problem;
        if (!SplitConfirmed) Errors["split-confirmed"] = "Bevestig dat de broers en zussen apart geplaatst mogen worden.";
        if (!await ShowAsync()) return NotFound();
        if (Errors.Count > 0) return Page();
        if (Timeline.SiblingGroup is not { } group || Timeline.Status != "open")
        {
            Errors["split-reason"] = "Dit kind hoort (niet meer) bij een wachtende groep broers en zussen.";
            return Page();
        }
        var caller = Caller.Of(HttpContext);
        try
        {
            await grains.SiblingGroup(caller.RegionCode!, group).Split(caller.ToActor(), SplitReason!);
        }
        catch (MarketRuleException refusal) when (refusal.Code is RuleCode.SiblingsHeld or RuleCode.NotFound)
        {
            Errors["split-reason"] = refusal.Code == RuleCode.SiblingsHeld
                ? "Een van de broers en zussen heeft nog een reservering voor de groep; wacht op het antwoord of geef die eerst vrij."
                : "Dit kind hoort (niet meer) bij een wachtende groep broers en zussen.";
            return Page();
        }
        TempData["Message"] = "De broers en zussen mogen nu apart geplaatst worden; de reden staat in hun dossiers.";
        return Redirect($"/tafel/kind/{Id}");
    }

    /// <summary>The desk cannot place this child in its region: it goes to the region's expertise network, with a reason.</summary>
    public async Task<IActionResult> OnPostEscalateAsync()
    {
        if (PlainReason.ProblemWith(EscalationReason, "Geef de reden waarom de regio dit kind niet zelf kan plaatsen.") is { } problem)
            Errors["escalation-reason"] = problem;
        if (!EscalationConfirmed) Errors["escalation-confirmed"] = "Bevestig dat u dit kind bovenregionaal wilt escaleren.";
        if (!await ShowAsync()) return NotFound();
        if (Errors.Count > 0) return Page();
        var caller = Caller.Of(HttpContext);
        Escalation escalated;
        try
        {
            escalated = await grains.Request(caller.RegionCode!, Id).Escalate(caller.ToActor(), EscalationReason!);
        }
        catch (MarketRuleException refusal)
        {
            Errors["escalation-reason"] = Dutch.Sentence(Dutch.Refusal(refusal.Code));
            return Page();
        }
        TempData["Message"] = $"Het kind is geëscaleerd naar {escalated.NetworkName}; de reden staat in het dossier.";
        return Redirect($"/tafel/kind/{Id}");
    }

    private async Task<bool> ShowAsync()
    {
        var caller = Caller.Of(HttpContext);
        if (await timelines.ForDeskAsync(caller.ToActor(), caller.RegionCode!, Id, "dossier") is not { } timeline) return false;
        Timeline = timeline;
        Child = await requests.ReadAsync(caller.RegionCode!, Id);
        if (Child?.MunicipalityId is { } municipality)
            MunicipalityName = (await municipalities.ListAsync(caller.RegionCode)).FirstOrDefault(m => m.Id == municipality)?.Name;
        return true;
    }
}
