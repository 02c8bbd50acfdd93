using Dapper;
using Matchmaker.Matching;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Api;

namespace Matchmaker.Web.Pages.Municipality;

/// <summary>
/// The region's shortage in aggregates only (for purchasing): who waits for what, how long against the norms, why
/// matches fail, what is free, and the trend. No child-level data leaves this class; small counts are masked on display.
/// </summary>
public sealed class ShortageFigures
{
    public static readonly string[] AgeBands = ["0-5", "6-11", "12-17", "18+"];

    public sealed record CareTypeRow(string CareType, int[] WaitingByAgeBand, int Waiting, int OverThreeMonths, int MedianWaitingDays, int FreeUnits);
    public sealed record WeekPoint(DateOnly WeekEnding, int Waiting);

    public required string RegionCode { get; init; }
    public required IReadOnlyList<CareTypeRow> ByCareType { get; init; }
    public required IReadOnlyDictionary<string, int> UnplacedReasons { get; init; }
    public required DateTimeOffset? LatestRound { get; init; }
    public required IReadOnlyDictionary<string, int> DeclineReasons { get; init; }
    public required IReadOnlyList<WeekPoint> Trend { get; init; }
    /// <summary>Placement stability over the last 12 months: placements ended per reason, and children placed more than once.</summary>
    public required IReadOnlyDictionary<string, int> EndedPlacements { get; init; }
    public required int ChildrenMovedAgain { get; init; }

    private sealed class WaitingRow
    {
        public string CareType { get; init; } = "";
        public DateOnly BirthMonth { get; init; }
        public DateOnly MeasureStart { get; init; }
        public string Status { get; init; } = "";
        public DateTimeOffset RegisteredAt { get; init; }
        public DateTimeOffset? ClosedAt { get; init; }
    }

    private sealed class CountRow
    {
        public string Key { get; init; } = "";
        public int Count { get; init; }
    }

    public static async Task<ShortageFigures> ComputeAsync(Database database, MatchingRounds rounds, string regionCode, TimeProvider clock, IConfiguration configuration)
    {
        var free = (await CapacityApi.ReadAvailabilityAsync(database, regionCode, null, clock, configuration)).Offerings;
        var round = await rounds.LatestAsync(regionCode);
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var trendStart = now.AddDays(-7 * 8);
        await using var connection = await database.OpenAsync();
        var yearAgo = DateOnly.FromDateTime(now.AddYears(-1).UtcDateTime);
        var ended = (await connection.QueryAsync<CountRow>("""
            SELECT end_reason AS Key, count(*) AS Count FROM placements
            WHERE region_code = @regionCode AND end_date >= @yearAgo AND end_reason IS NOT NULL
            GROUP BY end_reason
            """, new { regionCode, yearAgo })).ToDictionary(r => r.Key, r => r.Count);
        // A child counts as moved again when it had more than one placement that started in the last 12 months.
        var movedAgain = await connection.ExecuteScalarAsync<int>("""
            SELECT count(*) FROM (
                SELECT request_id FROM placements WHERE region_code = @regionCode AND start_date >= @yearAgo
                GROUP BY request_id HAVING count(*) > 1) moved
            """, new { regionCode, yearAgo });
        var requests = (await connection.QueryAsync<WaitingRow>("""
            SELECT care_type AS CareType, birth_month AS BirthMonth, measure_start AS MeasureStart, status AS Status,
                   registered_at AS RegisteredAt, closed_at AS ClosedAt
            FROM requests
            WHERE region_code = @regionCode AND (status = 'open' OR closed_at >= @trendStart)
            """, new { regionCode, trendStart })).ToList();
        var declines = (await connection.QueryAsync<CountRow>("""
            SELECT decline_reason AS Key, count(*) AS Count FROM holds
            WHERE region_code = @regionCode AND status = 'declined' AND answered_at >= @since
            GROUP BY decline_reason
            """, new { regionCode, since = now.AddDays(-90) })).ToDictionary(r => r.Key, r => r.Count);

        var open = requests.Where(r => r.Status == "open").ToList();
        var careTypes = open.Select(r => r.CareType).Concat(free.Select(f => f.CareType)).Distinct().Order().ToList();
        var rows = careTypes.Select(careType =>
        {
            var waiting = open.Where(r => r.CareType == careType).ToList();
            var days = waiting.Select(r => Math.Max(0, today.DayNumber - r.MeasureStart.DayNumber)).Order().ToList();
            return new CareTypeRow(careType,
                AgeBands.Select((_, band) => waiting.Count(r => AgeBand(r.BirthMonth, today) == band)).ToArray(),
                waiting.Count,
                waiting.Count(r => today > r.MeasureStart.AddMonths(3)),
                days.Count == 0 ? 0 : days[days.Count / 2],
                free.Where(f => f.CareType == careType).Sum(f => Math.Max(0, f.FreeUnits)));
        }).Where(r => r.Waiting > 0 || r.FreeUnits > 0).ToList();

        var trend = Enumerable.Range(0, 8).Select(week =>
        {
            var end = now.AddDays(-7 * (7 - week));
            return new WeekPoint(DateOnly.FromDateTime(end.UtcDateTime),
                requests.Count(r => r.RegisteredAt <= end && (r.ClosedAt is null || r.ClosedAt > end)));
        }).ToList();

        return new ShortageFigures
        {
            RegionCode = regionCode,
            ByCareType = rows,
            UnplacedReasons = round?.NotPlaced.GroupBy(n => n.Reason).ToDictionary(g => g.Key, g => g.Count()) ?? new Dictionary<string, int>(),
            LatestRound = round?.CreatedAt,
            DeclineReasons = declines,
            Trend = trend,
            EndedPlacements = ended,
            ChildrenMovedAgain = movedAgain,
        };
    }

    private static int AgeBand(DateOnly birthMonth, DateOnly today)
    {
        return MarketRows.Age(birthMonth, today) switch { < 6 => 0, < 12 => 1, < 18 => 2, _ => 3 };
    }
}
