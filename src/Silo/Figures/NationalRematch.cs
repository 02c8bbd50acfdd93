using System.Diagnostics;
using Dapper;
using Matchmaker.Matching.Disclosure;
using Matchmaker.Matching.Purchasing;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Figures;

/// <summary>The three ways of sharing places the national re-match compares, from least to most shared.</summary>
public enum Pool { EachRegionAlone, PerExpertiseNetwork, WholeCountry }

/// <summary>
/// The national re-match: all waiting children of the country (those not already waiting for a provider's answer)
/// matched three times: every region on its own places, every expertise network's regions sharing their places, and
/// the whole country as one pool. Counts of children are protected as one table. <see cref="Computation"/> numbers the
/// re-matches the node that computed it had computed; with <see cref="Day"/> (yyyy-MM-dd, the UTC day it stands on) and
/// <see cref="ComputedAt"/> it tells a stored view from a fresh one.
/// </summary>
public sealed record RematchFigures(IReadOnlyList<RematchFigures.PoolFigures> Pools, int Children, long SolveMillis, DateTimeOffset ComputedAt,
    string Day, long Computation, IReadOnlyList<RematchFigures.RegionFigures> Regions)
{
    /// <summary>The figures as published: every hidden count's value set to 0, so the stored row holds only what is shown.</summary>
    public RematchFigures Published()
    {
        static ProtectedCount P(ProtectedCount count) => count.Hidden ? new ProtectedCount(0, true) : count;
        return this with
        {
            Pools = Pools.Select(p => p with
            {
                Placed = P(p.Placed), PlacedByPriority = p.PlacedByPriority.Select(P).ToList(), UnplacedPastThreeMonths = P(p.UnplacedPastThreeMonths),
                PlacedOutsideOwnRegion = P(p.PlacedOutsideOwnRegion),
            }).ToList(),
            Regions = Regions.Select(r => r with { Placed = r.Placed.Select(P).ToList(), PlacedOutside = r.PlacedOutside.Select(P).ToList() }).ToList(),
        };
    }

    public sealed record PoolFigures(Pool Pool, ProtectedCount Placed, IReadOnlyList<ProtectedCount> PlacedByPriority,
        ProtectedCount UnplacedPastThreeMonths, ProtectedCount PlacedOutsideOwnRegion, double? AverageDistanceKm);

    /// <summary>A region's own waiting children under each pool (in the order of <see cref="Pools"/>): placed, and placed outside the region.</summary>
    public sealed record RegionFigures(string Code, string Name, IReadOnlyList<ProtectedCount> Placed, IReadOnlyList<ProtectedCount> PlacedOutside);
}

/// <summary>A view of the national re-match: its figures when done, or the day it is computing and when to look again.</summary>
public sealed record RematchView(LaneStatus Status, RematchFigures? Figures, string Day, TimeSpan RetryAfter);

/// <summary>
/// How many more children would be placed, and how much nearer, if regions cooperated. The country is solved three times
/// (about 0.3 s on the national demo) once per UTC day, in the <see cref="HeavyLane"/>, on the market of that moment;
/// published like the other figures as the day's snapshot (table <c>rematch_snapshots</c>): every view that day, on any
/// node, shows the same figures, so two views around a registration cannot be differenced.
/// </summary>
public sealed class NationalRematch(Database database, HeavyLane lane, TimeProvider clock)
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    private long _computations;

    /// <summary>How many re-matches this node has computed (not served from the lane's results).</summary>
    public long Computations => Interlocked.Read(ref _computations);

    /// <summary>
    /// Today's re-match: the stored one, or computed now (once per day and node; across nodes the first stored wins).
    /// <paramref name="waitedFor"/>: the day a page was told is computing; its result is shown even after midnight.
    /// </summary>
    public async Task<RematchView> ViewAsync(Guid caller, string? waitedFor, CancellationToken cancellationToken = default)
    {
        if (waitedFor is not null && await lane.JoinAsync<RematchFigures>(KeyOf(waitedFor), cancellationToken) is { } joined)
            return new RematchView(joined.Status, joined.Value, waitedFor, joined.RetryAfter);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var day = today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        if (await StoredAsync(today, cancellationToken) is { } stored) return new RematchView(LaneStatus.Done, stored, day, TimeSpan.Zero);
        var answer = await lane.RunAsync(KeyOf(day), $"user/{caller}", () => ComputeAndStoreAsync(today), cancellationToken);
        return new RematchView(answer.Status, answer.Value, day, answer.RetryAfter);
    }

    /// <summary>The lane's key of the re-match of one day (yyyy-MM-dd).</summary>
    public static string KeyOf(string day) => $"national-rematch/{day}";

    private async Task<RematchFigures?> StoredAsync(DateOnly day, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var body = await connection.QuerySingleOrDefaultAsync<string>("SELECT body FROM rematch_snapshots WHERE day = @day", new { day });
        return body is null ? null : System.Text.Json.JsonSerializer.Deserialize<RematchFigures>(body, Json);
    }

    private async Task<RematchFigures> ComputeAndStoreAsync(DateOnly today)
    {
        if (await StoredAsync(today, CancellationToken.None) is { } stored) return stored;
        var figures = (await ComputeAsync(today)).Published();
        var body = System.Text.Json.JsonSerializer.Serialize(figures, Json);
        // Off the lane: the write holds SQLite's writer turn, which requests wait for (see HeavyLane.OffLane).
        await lane.OffLane(async () =>
        {
            await using var connection = await database.OpenAsync();
            await using var transaction = await database.BeginWriteAsync(connection);
            await connection.ExecuteAsync("""
                INSERT INTO rematch_snapshots (day, computed_at, body) VALUES (@today, @computedAt, @body)
                ON CONFLICT (day) DO NOTHING
                """, new { today, computedAt = figures.ComputedAt, body }, transaction);
            await transaction.CommitAsync();
        });
        // Another node may have stored the day's re-match first: its row is the one everybody publishes.
        return await StoredAsync(today, CancellationToken.None)
            ?? throw new InvalidOperationException($"The re-match of {today:yyyy-MM-dd} was stored but cannot be read back.");
    }

    private async Task<RematchFigures> ComputeAsync(DateOnly today)
    {
        var computation = Interlocked.Increment(ref _computations);
        await using var connection = await database.OpenAsync();
        var regionRows = (await connection.QueryAsync<(string Code, string Name, string? Network)>("SELECT code, name, network_code FROM regions ORDER BY name")).ToList();
        var networkOf = regionRows.ToDictionary(r => r.Code, r => r.Network ?? r.Code);
        var market = (await RegionMarket.LoadAsync(connection, null, RoundOptions.Remembering, today))!;
        var clockwork = Stopwatch.StartNew();
        var outcomes = new (Pool Pool, Pooling.PoolOutcome Outcome)[]
        {
            (Pool.EachRegionAlone, Pooling.Solve(market.Instance, region => region, today)),
            (Pool.PerExpertiseNetwork, Pooling.Solve(market.Instance, region => networkOf.GetValueOrDefault(region, region), today)),
            (Pool.WholeCountry, Pooling.Solve(market.Instance, _ => "nl", today)),
        };
        var millis = clockwork.ElapsedMilliseconds;

        var counts = new SmallCountProtection();
        var cells = outcomes.Select(o =>
        {
            var byPriority = o.Outcome.Outcome.PlacedByPriority.Select(counts.Count).ToArray();
            var placed = counts.Count(o.Outcome.Outcome.Placed);
            counts.Sum(placed, byPriority);
            return (placed, byPriority, pastNorm: counts.Count(o.Outcome.Outcome.UnplacedPastNorm[2]), outside: counts.Count(o.Outcome.PlacedOutsideOwnRegion));
        }).ToList();
        // Per region: each pool's placed children (and those placed outside) add up to the pool's totals above.
        var none = new Pooling.RegionOutcome(0, 0);
        var regionCells = regionRows.Select(region => outcomes.Select(o => o.Outcome.ByRegion.GetValueOrDefault(region.Code, none))
            .Select(r => (placed: counts.Count(r.Placed), outside: counts.Count(r.PlacedOutside))).ToList()).ToList();
        for (var p = 0; p < outcomes.Length; p++)
        {
            counts.Sum(cells[p].placed, regionCells.Select(r => r[p].placed).ToList());
            counts.Sum(cells[p].outside, regionCells.Select(r => r[p].outside).ToList());
        }
        var hidden = counts.Protect();
        ProtectedCount Shown(int cell) => new(counts.ValueOf(cell), hidden[cell]);
        var pools = outcomes.Select((o, i) => new RematchFigures.PoolFigures(o.Pool, Shown(cells[i].placed), cells[i].byPriority.Select(Shown).ToList(),
            Shown(cells[i].pastNorm), Shown(cells[i].outside),
            o.Outcome.Outcome.Placed >= SmallCountProtection.Threshold ? Math.Round(o.Outcome.Outcome.AverageDistanceKm, 1) : null)).ToList();
        var regions = regionRows.Select((region, i) => new RematchFigures.RegionFigures(region.Code, region.Name,
            regionCells[i].Select(c => Shown(c.placed)).ToList(), regionCells[i].Select(c => Shown(c.outside)).ToList())).ToList();
        return new RematchFigures(pools, market.Instance.Requests.Count, millis, clock.GetUtcNow(),
            today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), computation, regions);
    }
}
