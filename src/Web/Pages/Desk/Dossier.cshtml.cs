using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Silo.Requests;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Desk;

/// <summary>One child's dossier for the desk: the status on top, the whole timeline, and what the desk can do next.</summary>
public sealed class DossierModel(ChildTimelines timelines, IGrainFactory grains, HoldCommands commands, RequestReads requests, Silo.Regions.Municipalities municipalities,
    MatchingRounds rounds) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty] public string? WithdrawReason { get; set; }
    [BindProperty] public bool WithdrawConfirmed { get; set; }
    [BindProperty] public string? SplitReason { get; set; }
    [BindProperty] public bool SplitConfirmed { get; set; }
    [BindProperty] public string? EscalationReason { get; set; }
    [BindProperty] public bool EscalationConfirmed { get; set; }
    [BindProperty] public Guid? OfferingId { get; set; }
    [BindProperty] public bool OutsidePolicy { get; set; }
    [BindProperty] public string? HoldReason { get; set; }
    [BindProperty] public bool HoldConfirmed { get; set; }
    [BindProperty] public bool HoldParallel { get; set; }

    [BindProperty] public Guid? SwapHoldId { get; set; }
    [BindProperty] public string? SwapReason { get; set; }
    [BindProperty] public bool SwapConfirmed { get; set; }

    /// <summary>An open proposal of a round (an active hold it made) with the round's other places for this child.</summary>
    public sealed record Proposal(ChildTimeline.ActiveHold Hold, IReadOnlyList<MatchingRounds.Option> Alternatives);

    public List<Proposal> Proposals { get; } = [];

    /// <summary>The providers that declined the child, with their intake contact beside each "no".</summary>
    public IReadOnlyList<ChildTimelines.DeclineContact> Declines { get; private set; } = [];

    /// <summary>The swap the desk is checking ("Controleer en bevestig"): nothing has changed yet. Null: no check open.</summary>
    public (Proposal From, MatchingRounds.Option To)? SwapToCheck { get; private set; }

    /// <summary>The child's search again ("zoek opnieuw voor dit kind"), when the desk asked for it; null otherwise.</summary>
    public ChildSearchResult? Search { get; private set; }

    /// <summary>The id of a field of the hold form for one place (for labels and the error summary's links).</summary>
    public static string HoldField(Guid offeringId, string field) => $"hold-{offeringId:N}-{field}";

    public ChildTimeline Timeline { get; private set; } = null!;

    /// <summary>What the desk knows of the child (the dossier's read is audited with the timeline).</summary>
    public RequestView? Child { get; private set; }
    public string? MunicipalityName { get; private set; }
    public Dictionary<string, string> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync() => await ShowAsync() ? Page() : NotFound();

    /// <summary>Searches again for this child on the region's market as it is now; nothing is held until the desk chooses.</summary>
    public async Task<IActionResult> OnGetSearchAsync()
    {
        if (!await ShowAsync()) return NotFound();
        await SearchAsync();
        return Page();
    }

    /// <summary>
    /// Holds the chosen place for this child through the offering's grain, as the matching page does: a place outside the
    /// region's policy only with a reason and a confirmation, in the same form; the refusal beside the field otherwise.
    /// </summary>
    public async Task<IActionResult> OnPostHoldAsync()
    {
        if (!await ShowAsync()) return NotFound();
        if (OfferingId is not { } offering)
        {
            Errors["search-heading"] = $"Kies eerst een plek voor {Timeline.CaseReference}.";
            await SearchAsync();
            return Page();
        }
        var reason = HoldReason?.Trim();
        if (OutsidePolicy)
        {
            if (PlainReason.ProblemWith(reason, $"Geef de reden waarom u voor {Timeline.CaseReference} een plek buiten het beleid van de regio reserveert.") is { } problem)
                Errors[HoldField(offering, "reason")] = problem;
            if (!HoldConfirmed)
                Errors[HoldField(offering, "confirmed")] = $"Bevestig dat u voor {Timeline.CaseReference} bewust een plek buiten het beleid van de regio reserveert.";
        }
        if (Errors.Count == 0)
        {
            var caller = Caller.Of(HttpContext);
            try
            {
                var holds = await commands.PlaceAsync(caller.ToActor(), Id, offering, null, null, HoldParallel, OutsidePolicy ? reason : null);
                TempData["Message"] = $"{Timeline.CaseReference} is gereserveerd tot {holds[0].ExpiresAt.ToLocalTime():dd-MM HH:mm}" +
                    $"{(holds.Length > 1 ? $" (met {holds.Length - 1} broer/zus)" : "")}; de aanbieder beslist.";
                return Redirect($"/tafel/kind/{Id}");
            }
            catch (MarketRuleException refusal) when (refusal.Code == RuleCode.OutsidePolicyNeedsReason)
            {
                // The place fell outside the policy since the search (or the form did not say so): the reason is asked for now.
                OutsidePolicy = true;
                Errors[HoldField(offering, "reason")] = $"Deze plek valt buiten het beleid van de regio: geef de reden waarom u haar voor {Timeline.CaseReference} reserveert.";
            }
            catch (MarketRuleException refusal) when (refusal.Code == RuleCode.ParallelHoldNeedsConfirmation)
            {
                Errors[HoldField(offering, "parallel")] = $"{Timeline.CaseReference} heeft al een reservering die op antwoord wacht. Vink aan dat u bewust een tweede plek vasthoudt, of wissel de reservering.";
            }
            catch (MarketRuleException refusal)
            {
                Errors[HoldField(offering, "hold")] = $"{Timeline.CaseReference}: geen reservering – {Dutch.Refusal(refusal.Code)}.";
            }
        }
        await SearchAsync();
        return Page();
    }

    /// <summary>The check step of a swap: what is released, what is held instead, and what that means. Nothing changes here.</summary>
    public async Task<IActionResult> OnPostSwapCheckAsync()
    {
        if (!await ShowAsync()) return NotFound();
        if (ChosenSwap() is not { } swap)
        {
            Errors["proposals-heading"] = $"Deze wissel kan niet (meer): {Timeline.CaseReference} heeft geen lopend voorstel met deze plek als alternatief.";
            return Page();
        }
        SwapToCheck = swap;
        return Page();
    }

    /// <summary>
    /// The swap itself, after the check step: one call to the child's request grain, which first holds the new place and
    /// only then releases the current one; a refusal leaves the current hold as it was, and the page says so.
    /// </summary>
    public async Task<IActionResult> OnPostSwapAsync()
    {
        if (!await ShowAsync()) return NotFound();
        if (ChosenSwap() is not { } swap)
        {
            Errors["proposals-heading"] = $"Deze wissel kan niet (meer): {Timeline.CaseReference} heeft geen lopend voorstel met deze plek als alternatief.";
            return Page();
        }
        SwapToCheck = swap;
        var (from, to) = swap;
        var reason = SwapReason?.Trim();
        var outside = !to.AllowedByPolicy || OutsidePolicy;
        if (outside && PlainReason.ProblemWith(reason, $"Geef de reden waarom u voor {Timeline.CaseReference} een plek buiten het beleid van de regio reserveert.") is { } problem)
            Errors["swap-reason"] = problem;
        if (!SwapConfirmed)
            Errors["swap-confirmed"] = $"Bevestig dat u de reservering van {Timeline.CaseReference} wisselt.";
        if (Errors.Count > 0) return Page();
        var caller = Caller.Of(HttpContext);
        try
        {
            var swapped = await grains.Request(caller.RegionCode!, Id).SwapHold(caller.ToActor(), from.Hold.HoldId, to.OfferingId, outside ? reason : null);
            TempData["Message"] = $"{Timeline.CaseReference} is nu gereserveerd bij {to.ProviderName} tot {swapped.Placed[0].ExpiresAt.ToLocalTime():dd-MM HH:mm}; " +
                (swapped.OldReleased ? $"de plek bij {from.Hold.ProviderName} is vrijgegeven." : $"de plek bij {from.Hold.ProviderName} kon niet worden vrijgegeven en blijft gereserveerd tot {from.Hold.ExpiresAt.ToLocalTime():dd-MM HH:mm}, tenzij de aanbieder eerder antwoordt.");
            return Redirect($"/tafel/kind/{Id}");
        }
        catch (MarketRuleException refusal) when (refusal.Code == RuleCode.OutsidePolicyNeedsReason)
        {
            OutsidePolicy = true;
            Errors["swap-reason"] = $"Deze plek valt buiten het beleid van de regio: geef de reden waarom u haar voor {Timeline.CaseReference} reserveert. De reservering bij {from.Hold.ProviderName} blijft staan.";
        }
        catch (MarketRuleException refusal)
        {
            Errors["swap-heading"] = $"{Timeline.CaseReference}: niet gewisseld – {Dutch.Refusal(refusal.Code)}. De reservering bij {from.Hold.ProviderName} blijft staan.";
        }
        // The page shows the child's holds as they are now: the current one, unchanged.
        await ShowAsync();
        return Page();
    }

    private (Proposal From, MatchingRounds.Option To)? ChosenSwap() =>
        Proposals.FirstOrDefault(p => p.Hold.HoldId == SwapHoldId) is { } from && from.Alternatives.FirstOrDefault(o => o.OfferingId == OfferingId) is { } to
            ? (from, to)
            : null;

    private async Task SearchAsync()
    {
        if (Timeline.Status != "open") return;
        var caller = Caller.Of(HttpContext);
        Search = await grains.GetGrain<IRegionGrain>(caller.RegionCode!).SearchForChild(caller.ToActor(), Id);
    }

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
        Declines = await timelines.DeclinesForDeskAsync(caller.RegionCode!, Id);
        Proposals.Clear();
        foreach (var hold in timeline.Holds)
        {
            if (hold.MatchingRoundId is not { } roundId || await rounds.FindAsync(caller.RegionCode!, roundId, HttpContext.RequestAborted) is not { } round) continue;
            var options = round.Proposals.FirstOrDefault(p => p.RequestId == Id)?.Options ?? round.NotPlaced.FirstOrDefault(p => p.RequestId == Id)?.Options ?? [];
            // Only places that are not this hold's and had a unit free when the round ran; the swap itself judges them as they are now.
            Proposals.Add(new Proposal(hold, [.. options.Where(o => o.OfferingId != hold.OfferingId && o.FreeUnits > 0
                && timeline.Holds.All(h => h.OfferingId != o.OfferingId))]));
        }
        if (Child?.MunicipalityId is { } municipality)
            MunicipalityName = (await municipalities.ListAsync(caller.RegionCode)).FirstOrDefault(m => m.Id == municipality)?.Name;
        return true;
    }
}
