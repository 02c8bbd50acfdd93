using Dapper;
using Matchmaker.Matching;
using Matchmaker.Matching.Disclosure;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Figures;

/// <summary>
/// The region's shortage in aggregates only (for purchasing): who waits for what, how long against the norms, why
/// matches fail, what is free, and the trend. No child-level data leaves this class, and every count of children it
/// publishes is protected: counts from 1 to 4 are hidden, and so many others as needed that no hidden count can be
/// calculated back from the totals on the page (<see cref="SmallCountProtection"/>).
/// </summary>
public sealed class ShortageFigures
{
    public static readonly string[] AgeBands = ["0-5", "6-11", "12-17", "18+"];

    public sealed record CareTypeRow(string CareType, ProtectedCount[] WaitingByAgeBand, ProtectedCount Waiting, ProtectedCount OverFiveWorkingDays,
        ProtectedCount OverSixWeeks, ProtectedCount OverThreeMonths, int MedianWaitingDays, int FreeUnits)
    {
        /// <summary>A median of fewer than five children (or of a hidden number) is close to one child's wait: not shown.</summary>
        public bool ShowsMedian => !Waiting.Hidden && Waiting.Value >= SmallCountProtection.Threshold;
    }

    public sealed record WeekPoint(DateOnly WeekEnding, ProtectedCount Waiting);

    /// <summary>Children waiting now who live in one municipality of the region (Id null: municipality not recorded).</summary>
    public sealed record MunicipalityRow(Guid? Id, string Name, ProtectedCount Waiting, ProtectedCount OverThreeMonths);

    /// <summary>Children waiting at the end of one month: per care type (in the order of <see cref="MonthlyCareTypes"/>) and in all.</summary>
    public sealed record MonthPoint(DateOnly MonthEnding, IReadOnlyList<ProtectedCount> ByCareType, ProtectedCount Waiting);

    public required string RegionCode { get; init; }
    public required string RegionName { get; init; }
    public required IReadOnlyList<CareTypeRow> ByCareType { get; init; }
    public required IReadOnlyDictionary<string, ProtectedCount> UnplacedReasons { get; init; }
    public required DateTimeOffset? LatestRound { get; init; }
    public required IReadOnlyDictionary<string, ProtectedCount> DeclineReasons { get; init; }
    public required IReadOnlyList<WeekPoint> Trend { get; init; }
    /// <summary>Per municipality of the region, then the children whose municipality is not recorded (if any); the totals follow.</summary>
    public required IReadOnlyList<MunicipalityRow> ByMunicipality { get; init; }
    public required ProtectedCount WaitingTotal { get; init; }
    public required ProtectedCount OverThreeMonthsTotal { get; init; }
    /// <summary>The last 12 months, per care type: the care types anyone waited for in that time.</summary>
    public required IReadOnlyList<string> MonthlyCareTypes { get; init; }
    public required IReadOnlyList<MonthPoint> MonthlyTrend { get; init; }
    /// <summary>The latest round's children not placed, per care type and reason; each reason's cells add up to its total above.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, ProtectedCount>> UnplacedReasonsByCareType { get; init; }
    /// <summary>Placement stability over the last 12 months: placements ended per reason, and children placed more than once.</summary>
    public required IReadOnlyDictionary<string, ProtectedCount> EndedPlacements { get; init; }
    public required ProtectedCount ChildrenMovedAgain { get; init; }
    /// <summary>Children whose sibling group the desk decided to place apart, in the last 12 months.</summary>
    public required ProtectedCount ChildrenSplitFromSiblings { get; init; }

    /// <summary>
    /// The figures as published: every hidden count's value and every median not shown set to 0, so a stored snapshot
    /// holds nothing that the page does not show.
    /// </summary>
    public ShortageFigures Published()
    {
        static ProtectedCount P(ProtectedCount count) => count.Hidden ? new ProtectedCount(0, true) : count;
        static IReadOnlyDictionary<string, ProtectedCount> All(IReadOnlyDictionary<string, ProtectedCount> counts) => counts.ToDictionary(c => c.Key, c => P(c.Value));
        return new ShortageFigures
        {
            RegionCode = RegionCode,
            RegionName = RegionName,
            ByCareType = ByCareType.Select(r => r with
            {
                WaitingByAgeBand = r.WaitingByAgeBand.Select(P).ToArray(), Waiting = P(r.Waiting), OverFiveWorkingDays = P(r.OverFiveWorkingDays),
                OverSixWeeks = P(r.OverSixWeeks), OverThreeMonths = P(r.OverThreeMonths), MedianWaitingDays = r.ShowsMedian ? r.MedianWaitingDays : 0,
            }).ToList(),
            UnplacedReasons = All(UnplacedReasons),
            LatestRound = LatestRound,
            DeclineReasons = All(DeclineReasons),
            Trend = Trend.Select(p => p with { Waiting = P(p.Waiting) }).ToList(),
            ByMunicipality = ByMunicipality.Select(m => m with { Waiting = P(m.Waiting), OverThreeMonths = P(m.OverThreeMonths) }).ToList(),
            WaitingTotal = P(WaitingTotal),
            OverThreeMonthsTotal = P(OverThreeMonthsTotal),
            MonthlyCareTypes = MonthlyCareTypes,
            MonthlyTrend = MonthlyTrend.Select(m => m with { ByCareType = m.ByCareType.Select(P).ToList(), Waiting = P(m.Waiting) }).ToList(),
            UnplacedReasonsByCareType = UnplacedReasonsByCareType.ToDictionary(c => c.Key, c => All(c.Value)),
            EndedPlacements = All(EndedPlacements),
            ChildrenMovedAgain = P(ChildrenMovedAgain),
            ChildrenSplitFromSiblings = P(ChildrenSplitFromSiblings),
        };
    }

    /// <summary>Largest shown count first, hidden ones last (so their place in the list tells nothing of their size).</summary>
    public static IEnumerable<KeyValuePair<string, ProtectedCount>> LargestFirst(IReadOnlyDictionary<string, ProtectedCount> counts) =>
        counts.OrderBy(c => c.Value.Hidden).ThenByDescending(c => c.Value.Hidden ? 0 : c.Value.Value).ThenBy(c => c.Key, StringComparer.Ordinal);
}

/// <summary>
/// Counts a region's <see cref="ShortageFigures"/>: the region's requests, placements, declines and latest round, counted
/// to be protected in one go with the other regions' and the national tables (<see cref="FiguresPublication"/>), so that
/// what one table hides no other table on the page, in its downloads or on the national page gives away.
/// </summary>
public static class RegionShortage
{
    private sealed class WaitingRow
    {
        public string CareType { get; init; } = "";
        public DateOnly BirthMonth { get; init; }
        public DateOnly MeasureStart { get; init; }
        public string Status { get; init; } = "";
        public DateTimeOffset RegisteredAt { get; init; }
        public DateTimeOffset? ClosedAt { get; init; }
        public Guid? MunicipalityId { get; init; }
    }

    private sealed class MunicipalityName
    {
        public Guid Id { get; init; }
        public string Name { get; init; } = "";
    }

    private sealed class CountRow
    {
        public string Key { get; init; } = "";
        public int Count { get; init; }
    }

    private sealed class FreeRow
    {
        public string CareType { get; init; } = "";
        public int FreeUnits { get; init; }
    }

    /// <summary>
    /// Counts the region's figures into <paramref name="counts"/>, the counts that the national table publishes too under
    /// their shared names (<see cref="CellNames"/>); returns the figures, given how each cell is published.
    /// </summary>
    /// <param name="frozenCareTypes">the care types of the region's month ends published before</param>
    public static async Task<Func<Func<int, ProtectedCount>, ShortageFigures>> CountAsync(SmallCountProtection counts, FiguresReading reading, string regionCode,
        IEnumerable<string> frozenCareTypes)
    {
        var (connection, transaction, now) = reading;
        var round = await MatchingRounds.LatestAsync(connection, transaction, regionCode);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var trendStart = now.AddYears(-1);
        // The free units of every offering the region may use under its policy, as the desk's availability lists them.
        var free = (await connection.QueryAsync<FreeRow>("""
            SELECT o.care_type AS CareType, o.total_units - o.occupied_units - o.held_units AS FreeUnits
            FROM offerings o
            JOIN locations l ON l.id = o.location_id
            JOIN municipalities m ON m.id = l.municipality_id
            JOIN regions r ON r.code = @regionCode
            LEFT JOIN contracts c ON c.offering_id = o.id AND c.region_code = @regionCode
            WHERE (r.allow_out_of_region = true OR m.region_code = @regionCode)
              AND (r.allow_non_contracted = true OR (c.region_code IS NOT NULL AND c.budget_ceiling_reached = false))
            """, new { regionCode }, transaction)).ToList();
        var yearAgo = DateOnly.FromDateTime(now.AddYears(-1).UtcDateTime);
        var ended = (await connection.QueryAsync<CountRow>("""
            SELECT end_reason AS Key, count(*) AS Count FROM placements
            WHERE region_code = @regionCode AND end_date >= @yearAgo AND end_reason IS NOT NULL
            GROUP BY end_reason
            """, new { regionCode, yearAgo }, transaction)).ToDictionary(r => r.Key, r => r.Count);
        // A child counts as moved again when it had more than one placement that started in the last 12 months.
        var movedAgain = await connection.ExecuteScalarAsync<int>("""
            SELECT count(*) FROM (
                SELECT request_id FROM placements WHERE region_code = @regionCode AND start_date >= @yearAgo
                GROUP BY request_id HAVING count(*) > 1) moved
            """, new { regionCode, yearAgo }, transaction);
        var regionName = await connection.ExecuteScalarAsync<string>("SELECT name FROM regions WHERE code = @regionCode", new { regionCode }, transaction) ?? regionCode;
        var splitFromSiblings = await connection.ExecuteScalarAsync<int>("""
            SELECT count(DISTINCT subject_id) FROM audit_log WHERE region_code = @regionCode AND action = 'siblings-split' AND at >= @since
            """, new { regionCode, since = now.AddYears(-1) }, transaction);
        var requests = (await connection.QueryAsync<WaitingRow>("""
            SELECT care_type AS CareType, birth_month AS BirthMonth, measure_start AS MeasureStart, status AS Status,
                   registered_at AS RegisteredAt, closed_at AS ClosedAt, municipality_id AS MunicipalityId
            FROM requests
            WHERE region_code = @regionCode AND (status = 'open' OR closed_at >= @trendStart)
            """, new { regionCode, trendStart }, transaction)).ToList();
        var municipalities = (await connection.QueryAsync<MunicipalityName>(
            "SELECT id AS Id, name AS Name FROM municipalities WHERE region_code = @regionCode ORDER BY name", new { regionCode }, transaction)).ToList();
        var declines = (await connection.QueryAsync<CountRow>("""
            SELECT decline_reason AS Key, count(*) AS Count FROM holds
            WHERE region_code = @regionCode AND status = 'declined' AND answered_at >= @since
            GROUP BY decline_reason
            """, new { regionCode, since = now.AddDays(-90) }, transaction)).ToDictionary(r => r.Key, r => r.Count);

        var open = requests.Where(r => r.Status == "open").ToList();
        var careTypes = open.Select(r => r.CareType).Concat(free.Select(f => f.CareType)).Distinct().Order().ToList();
        var rows = careTypes
            .Select(careType => (careType, waiting: open.Where(r => r.CareType == careType).ToList(),
                free: free.Where(f => f.CareType == careType).Sum(f => Math.Max(0, f.FreeUnits))))
            .Where(r => r.waiting.Count > 0 || r.free > 0)
            .Select(r =>
            {
                var days = r.waiting.Select(w => Math.Max(0, today.DayNumber - w.MeasureStart.DayNumber)).Order().ToList();
                var bands = ShortageFigures.AgeBands.Select((_, band) => counts.Count(CellNames.Of("age-band", regionCode, $"{r.careType}/{band}"),
                    r.waiting.Count(w => AgeBand(w.BirthMonth, today) == band))).ToArray();
                var total = counts.Count(CellNames.Waiting(regionCode, r.careType), r.waiting.Count);
                counts.Sum(total, bands);
                int PastNorm(WaitingNorms.Status norm) => r.waiting.Count(w => WaitingNorms.IsPast(norm, w.MeasureStart, today));
                return (r.careType, bands, total, overFive: counts.Count(CellNames.Of("past-5-working-days", regionCode, r.careType), PastNorm(WaitingNorms.Status.OverFiveWorkingDays)),
                    overSix: counts.Count(CellNames.Of("past-6-weeks", regionCode, r.careType), PastNorm(WaitingNorms.Status.OverSixWeeks)),
                    overNorm: counts.Count(CellNames.PastNorm(regionCode, r.careType), PastNorm(WaitingNorms.Status.OverThreeMonths)),
                    median: days.Count == 0 ? 0 : days[days.Count / 2], r.free);
            }).ToList();

        // The trend's last point is now: the same children as the table, so its total ties the table's rows together.
        var trend = Enumerable.Range(0, 8).Select(week =>
        {
            var end = now.AddDays(-7 * (7 - week));
            var waiting = week == 7 ? open.Count : requests.Count(r => r.RegisteredAt <= end && (r.ClosedAt is null || r.ClosedAt > end));
            return (weekEnding: DateOnly.FromDateTime(end.UtcDateTime), cell: counts.Count(week == 7 ? CellNames.Waiting(regionCode, null) : CellNames.Of("weeks-ago", regionCode, $"{7 - week}"), waiting));
        }).ToList();
        counts.Sum(trend[^1].cell, rows.Select(r => r.total).ToList());

        // Month ends of the last 12 months, the last one now: its care types' cells add up to the month's total.
        static bool WaitingAt(WaitingRow r, DateTimeOffset at) => r.RegisteredAt <= at && (r.ClosedAt is null || r.ClosedAt > at);
        // The care types anyone waited for in that time, and those of the month ends published before (frozen): a care type
        // no child waits for any more since an edit keeps its column while its months are shown.
        var monthlyCareTypes = requests.Where(r => r.Status == "open" || r.ClosedAt >= trendStart).Select(r => r.CareType).Concat(frozenCareTypes)
            .Distinct().Order(StringComparer.Ordinal).ToList();
        var monthly = MonthEnds.Before(now).Select(end =>
        {
            var waitingThen = requests.Where(r => WaitingAt(r, end)).ToList();
            var cells = monthlyCareTypes.Select(c => counts.Count(CellNames.WaitingAt(regionCode, c, end), waitingThen.Count(r => r.CareType == c))).ToList();
            var total = counts.Count(CellNames.WaitingAt(regionCode, null, end), waitingThen.Count);
            counts.Sum(total, cells);
            return (monthEnding: DateOnly.FromDateTime(end.UtcDateTime).AddDays(-1), cells, total);
        }).ToList();
        // Now is the waiting table itself: the very same cells, so what one hides the other cannot show.
        var totalOf = rows.ToDictionary(r => r.careType, r => r.total);
        monthly.Add((today, monthlyCareTypes.Select(c => totalOf.TryGetValue(c, out var cell) ? cell : counts.Count(CellNames.Waiting(regionCode, c), 0)).ToList(), trend[^1].cell));

        // Per municipality: the waiting children add up to the trend's current week, and those past the 3-month norm to the
        // same total as the care types' (published once, tying both tables).
        bool OverThreeMonths(WaitingRow r) => WaitingNorms.IsPast(WaitingNorms.Status.OverThreeMonths, r.MeasureStart, today);
        var recorded = municipalities.Select(m => m.Id).ToHashSet();
        var homes = municipalities.Select(m => (id: (Guid?)m.Id, name: m.Name, children: open.Where(r => r.MunicipalityId == m.Id).ToList()))
            .Append((id: null, name: "Gemeente niet vastgelegd", children: open.Where(r => r.MunicipalityId is not { } id || !recorded.Contains(id)).ToList()))
            .Where(h => h.id is not null || h.children.Count > 0)
            .Select(h => (h.id, h.name, waiting: counts.Count(CellNames.Of("home", regionCode, $"{h.id}"), h.children.Count),
                over: counts.Count(CellNames.Of("home-past-norm", regionCode, $"{h.id}"), h.children.Count(OverThreeMonths))))
            .ToList();
        counts.Sum(trend[^1].cell, homes.Select(h => h.waiting).ToList());
        var overTotal = counts.Count(CellNames.PastNorm(regionCode, null), open.Count(OverThreeMonths));
        counts.Sum(overTotal, homes.Select(h => h.over).ToList());
        counts.Sum(overTotal, rows.Select(r => r.overNorm).ToList());

        var notPlaced = round?.NotPlaced ?? [];
        var unplaced = notPlaced.GroupBy(n => n.Reason).ToDictionary(g => g.Key, g => counts.Count(CellNames.Of("unplaced", regionCode, g.Key), g.Count()));
        var unplacedByCareType = notPlaced.GroupBy(n => n.CareType).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => unplaced.Keys.ToDictionary(reason => reason,
                reason => counts.Count(CellNames.Of("unplaced", regionCode, $"{g.Key}/{reason}"), g.Count(n => n.Reason == reason))));
        foreach (var (reason, cell) in unplaced)
            counts.Sum(cell, unplacedByCareType.Values.Select(byReason => byReason[reason]).ToList());
        var declined = declines.ToDictionary(r => r.Key, r => counts.Count(CellNames.Of("declined", regionCode, r.Key), r.Value));
        var endedCells = ended.ToDictionary(r => r.Key, r => counts.Count(CellNames.Of("ended", regionCode, r.Key), r.Value));
        var movedAgainCell = counts.Count(CellNames.Of("moved-again", regionCode, ""), movedAgain);
        var splitCell = counts.Count(CellNames.Of("split-from-siblings", regionCode, ""), splitFromSiblings);

        return shown => new ShortageFigures
        {
            RegionCode = regionCode,
            RegionName = regionName,
            ByCareType = rows.Select(r => new ShortageFigures.CareTypeRow(r.careType, r.bands.Select(shown).ToArray(), shown(r.total), shown(r.overFive), shown(r.overSix),
                shown(r.overNorm), r.median, r.free)).ToList(),
            ByMunicipality = homes.Select(h => new ShortageFigures.MunicipalityRow(h.id, h.name, shown(h.waiting), shown(h.over))).ToList(),
            WaitingTotal = shown(trend[^1].cell),
            OverThreeMonthsTotal = shown(overTotal),
            MonthlyCareTypes = monthlyCareTypes,
            MonthlyTrend = monthly.Select(m => new ShortageFigures.MonthPoint(m.monthEnding, m.cells.Select(shown).ToList(), shown(m.total))).ToList(),
            UnplacedReasonsByCareType = unplacedByCareType.ToDictionary(c => c.Key,
                c => (IReadOnlyDictionary<string, ProtectedCount>)c.Value.ToDictionary(r => r.Key, r => shown(r.Value))),
            UnplacedReasons = unplaced.ToDictionary(r => r.Key, r => shown(r.Value)),
            LatestRound = round?.CreatedAt,
            DeclineReasons = declined.ToDictionary(r => r.Key, r => shown(r.Value)),
            Trend = trend.Select(t => new ShortageFigures.WeekPoint(t.weekEnding, shown(t.cell))).ToList(),
            EndedPlacements = endedCells.ToDictionary(r => r.Key, r => shown(r.Value)),
            ChildrenMovedAgain = shown(movedAgainCell),
            ChildrenSplitFromSiblings = shown(splitCell),
        };
    }

    private static int AgeBand(DateOnly birthMonth, DateOnly today)
    {
        return MarketRows.Age(birthMonth, today) switch { < 6 => 0, < 12 => 1, < 18 => 2, _ => 3 };
    }
}
