using System.Diagnostics;
using Dapper;
using Matchmaker.Matching;
using Matchmaker.Matching.Disclosure;
using Matchmaker.Matching.Purchasing;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Pages.Municipality;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.National;

/// <summary>
/// The national re-match: all waiting children of the country (those not already waiting for a provider's answer)
/// matched three times: every region on its own places, every expertise network's regions sharing their places, and
/// the whole country as one pool. How many more children would be placed, and how much nearer, if regions cooperated.
/// </summary>
public sealed class RematchModel(Silo.Data.Database database, TimeProvider clock) : PageModel
{
    public sealed record PoolFigures(string Name, string Explanation, ProtectedCount Placed, IReadOnlyList<ProtectedCount> PlacedByPriority,
        ProtectedCount UnplacedPastThreeMonths, ProtectedCount PlacedOutsideOwnRegion, double? AverageDistanceKm);

    public IReadOnlyList<PoolFigures> Pools { get; private set; } = [];
    public int Children { get; private set; }
    public long Millis { get; private set; }

    public async Task OnGetAsync()
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        await using var connection = await database.OpenAsync();
        var networkOf = (await connection.QueryAsync<(string Code, string? Network)>("SELECT code, network_code FROM regions"))
            .ToDictionary(r => r.Code, r => r.Network ?? r.Code);
        var market = (await RegionMarket.LoadAsync(connection, null, RoundOptions.Remembering, today))!;
        var clockwork = Stopwatch.StartNew();
        var outcomes = new (string Name, string Explanation, Pooling.PoolOutcome Outcome)[]
        {
            ("Elke regio apart", "Kinderen alleen naar plekken in hun eigen jeugdregio.", Pooling.Solve(market.Instance, region => region, today)),
            ("Per expertisenetwerk", "De regio's van één bovenregionaal expertisenetwerk delen hun plekken.",
                Pooling.Solve(market.Instance, region => networkOf.GetValueOrDefault(region, region), today)),
            ("Heel Nederland samen", "Alle plekken voor alle kinderen, binnen de maximale afstand van elk kind.", Pooling.Solve(market.Instance, _ => "nl", today)),
        };
        Millis = clockwork.ElapsedMilliseconds;
        Children = market.Instance.Requests.Count;

        var counts = new SmallCountProtection();
        var cells = outcomes.Select(o =>
        {
            var byPriority = o.Outcome.Outcome.PlacedByPriority.Select(counts.Count).ToArray();
            var placed = counts.Count(o.Outcome.Outcome.Placed);
            counts.Sum(placed, byPriority);
            return (placed, byPriority, pastNorm: counts.Count(o.Outcome.Outcome.UnplacedPastNorm[2]), outside: counts.Count(o.Outcome.PlacedOutsideOwnRegion));
        }).ToList();
        var hidden = counts.Protect();
        ProtectedCount Shown(int cell) => new(counts.ValueOf(cell), hidden[cell]);
        Pools = outcomes.Select((o, i) => new PoolFigures(o.Name, o.Explanation, Shown(cells[i].placed), cells[i].byPriority.Select(Shown).ToList(),
            Shown(cells[i].pastNorm), Shown(cells[i].outside),
            o.Outcome.Outcome.Placed >= SmallCountProtection.Threshold ? Math.Round(o.Outcome.Outcome.AverageDistanceKm, 1) : null)).ToList();
    }
}
