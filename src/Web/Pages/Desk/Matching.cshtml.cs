using Matchmaker.Silo.Data;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Desk;

/// <summary>Run a matching round, read the explanation per child, and turn chosen proposals into holds in one action.</summary>
public sealed class MatchingModel(MatchingRounds rounds, Database database, IGrainFactory grains, Journal journal) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid? Round { get; set; }

    public MatchingRounds.Round? Result { get; private set; }
    public List<string> Outcomes { get; } = [];

    public async Task OnGetAsync()
    {
        var region = Caller.Of(HttpContext).RegionCode!;
        Result = Round is null
            ? await rounds.LatestAsync(region, HttpContext.RequestAborted)
            : await rounds.FindAsync(region, Round.Value, HttpContext.RequestAborted);
        Round ??= Result?.Id;
        if (Result is not null) await Result.AuditReadAsync(journal, database, Caller.Of(HttpContext).ToActor());
    }

    public async Task<IActionResult> OnPostRunAsync()
    {
        var caller = Caller.Of(HttpContext);
        var roundId = await grains.GetGrain<IRegionGrain>(caller.RegionCode!).RunMatchingRound(caller.ToActor());
        return Redirect($"/tafel/matching?round={roundId}");
    }

    /// <summary>Places a hold for every chosen proposal ("requestId:offeringId"); each succeeds or says why not.</summary>
    public async Task<IActionResult> OnPostHoldAsync(string[] selected)
    {
        var caller = Caller.Of(HttpContext);
        if (Round is not null)
            Result = await rounds.FindAsync(caller.RegionCode!, Round.Value, HttpContext.RequestAborted);
        if (selected.Length == 0)
            Outcomes.Add("Kies eerst één of meer voorstellen.");
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
                var holds = await grains.PlaceHoldAsync(database, caller.ToActor(), requestId, offeringId, Round, null);
                Outcomes.Add($"{reference}: hold geplaatst tot {holds[0].ExpiresAt.ToLocalTime():dd-MM HH:mm}{(holds.Length > 1 ? $" (met {holds.Length - 1} broer/zus)" : "")}.");
            }
            catch (MarketRuleException e)
            {
                Outcomes.Add($"{reference}: geen hold – {e.Message}");
            }
        }
        return Page();
    }
}
