using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Silo.Offerings;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Desk;

/// <summary>
/// Run a matching round, read the explanation per child, and turn chosen proposals into holds: first a check of what
/// will be held (each hold keeps a scarce place from everyone else for the region's hold time), then the holds.
/// </summary>
public sealed class MatchingModel(MatchingRounds rounds, IGrainFactory grains, HoldCommands commands, Journal journal, HoldReads holdReads) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid? Round { get; set; }

    public MatchingRounds.Round? Result { get; private set; }
    public List<string> Outcomes { get; } = [];

    /// <summary>The round's proposals that are held now (by this round or otherwise), with when the hold ends.</summary>
    public Dictionary<(Guid RequestId, Guid OfferingId), DateTimeOffset> Held { get; private set; } = [];

    /// <summary>The proposals chosen for holding, shown to be checked before anything is held (null: no check asked).</summary>
    public List<MatchingRounds.Proposal>? ToCheck { get; private set; }

    /// <summary>The outside-policy choice ("requestId:offeringId") whose form was sent incomplete, and what is missing in it.</summary>
    public string? OutsidePolicyChoice { get; private set; }
    public Dictionary<string, string> OutsidePolicyErrors { get; } = [];
    [BindProperty] public string? OutsidePolicyReasonSent { get; set; }

    /// <summary>The id of an outside-policy form's field, as the page names it (for the error summary's links).</summary>
    public static string OutsidePolicyFieldId(string choice, string field) => $"fix-{choice.Replace(":", "").Replace("-", "")}-{field}";

    /// <summary>The failed choice as the desk knows it: the child's case reference and the place.</summary>
    public string OutsidePolicyDescription
    {
        get
        {
            if (OutsidePolicyChoice?.Split(':') is not [var request, var offering] || Result is null) return "";
            var child = Result.NotPlaced.FirstOrDefault(p => p.RequestId.ToString() == request);
            var option = child?.Options.FirstOrDefault(o => o.OfferingId.ToString() == offering);
            var proposal = Result.Proposals.FirstOrDefault(p => p.RequestId.ToString() == request && p.OfferingId.ToString() == offering);
            return (child?.CaseReference ?? proposal?.CaseReference, option?.ProviderName ?? proposal?.ProviderName) switch
            {
                ({ } reference, { } place) => $"{reference} bij {place}",
                ({ } reference, null) => reference,
                _ => "de gekozen plek",
            };
        }
    }

    public bool IsHeld(MatchingRounds.Proposal proposal) => Held.ContainsKey((proposal.RequestId, proposal.OfferingId));

    public int NotYetHeld => Result?.Proposals.Count(p => !IsHeld(p)) ?? 0;

    /// <summary>Chosen holds refused because the child already has one: the desk may place them in parallel, deliberately.</summary>
    public List<(string Choice, string CaseReference)> ParallelToConfirm { get; } = [];

    public async Task OnGetAsync()
    {
        var region = Caller.Of(HttpContext).RegionCode!;
        Result = Round is null
            ? await rounds.LatestAsync(region, HttpContext.RequestAborted)
            : await rounds.FindAsync(region, Round.Value, HttpContext.RequestAborted);
        Round ??= Result?.Id;
        if (Result is not null) await Result.AuditReadAsync(journal, Caller.Of(HttpContext).ToActor());
        Held = await holdReads.ActiveOfRegionAsync(region);
    }

    /// <summary>
    /// The check step: the chosen proposals (or, for "Alles kiezen", every one not held yet) listed with child, place and
    /// distance, and one button that holds them all. Nothing is held here.
    /// </summary>
    public async Task<IActionResult> OnPostCheckAsync(string[] selected, bool all)
    {
        await OnGetAsync();
        if (Result is null) return Page();
        var chosen = all ? Result.Proposals.Where(p => !IsHeld(p)).ToList()
            : [.. Result.Proposals.Where(p => selected.Contains($"{p.RequestId}:{p.OfferingId}"))];
        if (chosen.Count == 0)
            Outcomes.Add(all ? "Alle voorstellen van deze ronde zijn al gereserveerd." : "Kies eerst één of meer voorstellen.");
        else
            ToCheck = chosen;
        return Page();
    }

    public async Task<IActionResult> OnPostRunAsync(bool proposeDeclinedAgain, bool alternativesForHeld)
    {
        var caller = Caller.Of(HttpContext);
        var roundId = await grains.GetGrain<IRegionGrain>(caller.RegionCode!)
            .RunMatchingRound(caller.ToActor(), new RoundOptions(proposeDeclinedAgain, alternativesForHeld));
        return Redirect($"/tafel/matching?round={roundId}");
    }

    /// <summary>Places a hold for every chosen proposal ("requestId:offeringId"); each succeeds or says why not.</summary>
    /// <remarks>
    /// A place outside the region's policy is held only with a reason and a confirmation (<paramref name="outsidePolicy"/>);
    /// the reason goes into the audit and the child's dossier.
    /// </remarks>
    public async Task<IActionResult> OnPostHoldAsync(string[] selected, bool parallel, bool outsidePolicy, string? outsidePolicyReason,
        bool outsidePolicyConfirmed, bool checkedByDesk)
    {
        var caller = Caller.Of(HttpContext);
        if (Round is not null)
            Result = await rounds.FindAsync(caller.RegionCode!, Round.Value, HttpContext.RequestAborted);
        // More than one place at once is held only after the check step, where the desk saw what it holds.
        if (selected.Length > 1 && !checkedByDesk) return await OnPostCheckAsync(selected, all: false);
        if (selected.Length == 0)
            Outcomes.Add("Kies eerst één of meer voorstellen.");
        var reason = outsidePolicyReason?.Trim();
        if (outsidePolicy && selected.Length > 0)
        {
            if (PlainReason.ProblemWith(reason, "Geef de reden waarom u deze plek buiten het beleid van de regio reserveert.") is { } problem)
                OutsidePolicyErrors["reason"] = problem;
            if (!outsidePolicyConfirmed)
                OutsidePolicyErrors["confirmed"] = "Bevestig dat u bewust een plek buiten het beleid van de regio reserveert.";
            if (OutsidePolicyErrors.Count > 0)
            {
                // The form stays open where it was, with each error beside its field and the reason as typed.
                OutsidePolicyChoice = selected[0];
                OutsidePolicyReasonSent = outsidePolicyReason;
                Held = await holdReads.ActiveOfRegionAsync(caller.RegionCode!);
                return Page();
            }
        }
        foreach (var choice in selected)
        {
            var parts = choice.Split(':');
            if (parts.Length != 2 || !Guid.TryParse(parts[0], out var requestId) || !Guid.TryParse(parts[1], out var offeringId))
            {
                Outcomes.Add("Een keuze was niet leesbaar en is overgeslagen.");
                continue;
            }
            var reference = Result?.Proposals.FirstOrDefault(p => p.RequestId == requestId)?.CaseReference
                ?? Result?.NotPlaced.FirstOrDefault(p => p.RequestId == requestId)?.CaseReference ?? requestId.ToString();
            try
            {
                var holds = await commands.PlaceAsync(caller.ToActor(), requestId, offeringId, Round, null, parallel, outsidePolicy ? reason : null);
                Outcomes.Add($"{reference}: gereserveerd tot {holds[0].ExpiresAt.ToLocalTime():dd-MM HH:mm}{(holds.Length > 1 ? $" (met {holds.Length - 1} broer/zus)" : "")}" +
                    $"{(parallel ? ", bewust naast een andere reservering" : "")}.");
            }
            catch (MarketRuleException e) when (e.Code == RuleCode.ParallelHoldNeedsConfirmation)
            {
                Outcomes.Add($"{reference}: nog geen reservering – dit kind heeft al een reservering die op antwoord van een aanbieder wacht. Een tweede neemt nog een schaarse plek in; bevestig hieronder als dat de bedoeling is.");
                ParallelToConfirm.Add((choice, reference));
            }
            catch (MarketRuleException e) when (e.Code == RuleCode.AlreadyHeldHere)
            {
                // A sibling held with its group a moment ago (or a place held before): the child has this place.
                Outcomes.Add($"{reference}: al gereserveerd op deze plek (samen met een broer of zus, of eerder).");
            }
            catch (MarketRuleException e)
            {
                Outcomes.Add($"{reference}: geen reservering – {Dutch.Refusal(e.Code)}.");
            }
        }
        Held = await holdReads.ActiveOfRegionAsync(caller.RegionCode!);
        return Page();
    }
}
