using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Desk;

/// <summary>Run a matching round, read the explanation per child, and turn chosen proposals into holds in one action.</summary>
public sealed class MatchingModel(MatchingRounds rounds, IGrainFactory grains, Journal journal) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid? Round { get; set; }

    public MatchingRounds.Round? Result { get; private set; }
    public List<string> Outcomes { get; } = [];

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
    public async Task<IActionResult> OnPostHoldAsync(string[] selected, bool all, bool parallel, bool outsidePolicy, string? outsidePolicyReason,
        bool outsidePolicyConfirmed)
    {
        var caller = Caller.Of(HttpContext);
        if (Round is not null)
            Result = await rounds.FindAsync(caller.RegionCode!, Round.Value, HttpContext.RequestAborted);
        // "Alles kiezen" works without JavaScript: the server takes every proposal of the round.
        if (all && Result is not null)
            selected = [.. Result.Proposals.Select(p => $"{p.RequestId}:{p.OfferingId}")];
        if (selected.Length == 0)
            Outcomes.Add("Kies eerst één of meer voorstellen.");
        var reason = outsidePolicyReason?.Trim();
        if (outsidePolicy && (PlainReason.ProblemWith(reason, "missing") is not null || !outsidePolicyConfirmed))
        {
            Outcomes.Add("Niets gereserveerd: een plek buiten het beleid van de regio vraagt een reden (hooguit 500 tekens, gewone tekst) en uw bevestiging.");
            return Page();
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
                var holds = await grains.PlaceHoldAsync(caller.ToActor(), requestId, offeringId, Round, null, parallel, outsidePolicy ? reason : null);
                Outcomes.Add($"{reference}: gereserveerd tot {holds[0].ExpiresAt.ToLocalTime():dd-MM HH:mm}{(holds.Length > 1 ? $" (met {holds.Length - 1} broer/zus)" : "")}" +
                    $"{(parallel ? ", bewust naast een andere reservering" : "")}.");
            }
            catch (MarketRuleException e) when (e.Code == RuleCode.ParallelHoldNeedsConfirmation)
            {
                Outcomes.Add($"{reference}: nog geen reservering – dit kind heeft al een reservering die op antwoord van een aanbieder wacht. Een tweede neemt nog een schaarse plek in; bevestig hieronder als dat de bedoeling is.");
                ParallelToConfirm.Add((choice, reference));
            }
            catch (MarketRuleException e)
            {
                Outcomes.Add($"{reference}: geen reservering – {Dutch.Refusal(e.Code)}.");
            }
        }
        return Page();
    }
}
