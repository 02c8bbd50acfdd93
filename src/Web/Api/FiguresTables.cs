using Matchmaker.Matching.Disclosure;
using Matchmaker.Silo.Figures;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

/// <summary>
/// The published figures as JSON, one shape for the page's download and the API (docs/open-data.md): codes and Dutch
/// names, hidden counts as null, and the day of the snapshot they stand on. Built from a <see cref="FiguresSnapshot{T}"/>
/// only, so the page, its downloads and the API publish the very same cells all day.
/// </summary>
public static class FiguresTables
{
    public static readonly string SmallCountRule =
        $"Counts of 1 to {SmallCountProtection.Threshold - 1} children are null, and so are as many others as needed that none can be calculated back from the totals; zeros are shown. The figures are a snapshot frozen per day (snapshotDate, UTC): every request that day gets the same answer.";

    public sealed record NamedCount(string Code, string Name, int? Count);
    public sealed record AgeBandCount(string AgeBand, int? Count);
    public sealed record WaitingRow(string CareType, string CareTypeName, IReadOnlyList<AgeBandCount> ByAgeBand, int? Total, int? OverFiveWorkingDays,
        int? OverSixWeeks, int? OverThreeMonths, int? MedianWaitingDays, int FreeUnits);
    public sealed record MunicipalityRow(Guid? Municipality, string Name, int? Waiting, int? OverThreeMonths);
    public sealed record CareTypeReasons(string CareType, string CareTypeName, IReadOnlyList<NamedCount> Reasons);
    public sealed record WeekPoint(DateOnly WeekEnding, int? Waiting);
    public sealed record CareTypeCount(string CareType, int? Count);
    public sealed record MonthPoint(DateOnly MonthEnding, int? Waiting, IReadOnlyList<CareTypeCount> ByCareType);

    /// <summary>
    /// A region's shortage figures (the municipality's page /gemeente). <paramref name="ComputationFailedOn"/>: the day (today)
    /// whose computation failed, so these are the last published figures of <paramref name="SnapshotDate"/>; null otherwise.
    /// </summary>
    public sealed record ShortageReport(string Region, string RegionName, DateOnly SnapshotDate, DateOnly? ComputationFailedOn, DateTimeOffset GeneratedAt, string SmallCountRule,
        IReadOnlyList<WaitingRow> Waiting, IReadOnlyList<MunicipalityRow> ByMunicipality, int? WaitingTotal, int? OverThreeMonthsTotal,
        DateTimeOffset? LatestRound, IReadOnlyList<NamedCount> NotPlacedReasons, IReadOnlyList<CareTypeReasons> NotPlacedReasonsByCareType,
        IReadOnlyList<NamedCount> DeclineReasons90Days, IReadOnlyList<NamedCount> EndedPlacements12Months, int? ChildrenMovedAgain12Months,
        int? ChildrenSplitFromSiblings12Months, IReadOnlyList<WeekPoint> Trend, IReadOnlyList<MonthPoint> MonthlyTrend);

    public sealed record RegionRow(string? Region, string Name, int? Waiting, int? OverThreeMonths, int FreeUnits, int? PlacedOutsideRegion12Months);

    public sealed record RegionCount(string Region, int? Count);
    /// <summary>Children waiting in the country at the end of a month, and in each region.</summary>
    public sealed record NationalMonthPoint(DateOnly MonthEnding, int? Waiting, IReadOnlyList<RegionCount> ByRegion);

    /// <summary>Every region side by side, for one care type or all (the national page /landelijk); the 12-month trend with all care types only (else null).</summary>
    public sealed record NationalReport(string? CareType, DateOnly SnapshotDate, DateOnly? ComputationFailedOn, DateTimeOffset GeneratedAt, string SmallCountRule,
        IReadOnlyList<RegionRow> Regions, RegionRow Total, IReadOnlyList<NationalMonthPoint>? MonthlyTrend);

    private static int? Shown(ProtectedCount count) => count.Plotted;

    private static List<NamedCount> Counts(IEnumerable<KeyValuePair<string, ProtectedCount>> counts, Func<string, string> name) =>
        counts.Select(c => new NamedCount(c.Key, name(c.Key), Shown(c.Value))).ToList();

    public static ShortageReport Of(FiguresSnapshot<ShortageFigures> snapshot)
    {
        var figures = snapshot.Figures;
        return new ShortageReport(figures.RegionCode, figures.RegionName, snapshot.Day, snapshot.ServedForFailedDay, snapshot.ComputedAt, SmallCountRule,
            figures.ByCareType.Select(row => new WaitingRow(row.CareType, Dutch.CareType(row.CareType),
                ShortageFigures.AgeBands.Select((band, i) => new AgeBandCount(band, Shown(row.WaitingByAgeBand[i]))).ToList(),
                Shown(row.Waiting), Shown(row.OverFiveWorkingDays), Shown(row.OverSixWeeks), Shown(row.OverThreeMonths),
                row.ShowsMedian ? row.MedianWaitingDays : null, row.FreeUnits)).ToList(),
            figures.ByMunicipality.Select(row => new MunicipalityRow(row.Id, row.Name, Shown(row.Waiting), Shown(row.OverThreeMonths))).ToList(),
            Shown(figures.WaitingTotal), Shown(figures.OverThreeMonthsTotal), figures.LatestRound,
            Counts(figures.UnplacedReasons, Dutch.Reason),
            figures.UnplacedReasonsByCareType.Select(c => new CareTypeReasons(c.Key, Dutch.CareType(c.Key), Counts(c.Value, Dutch.Reason))).ToList(),
            Counts(figures.DeclineReasons, Dutch.DeclineReason),
            Counts(figures.EndedPlacements, code => Dutch.PlacementEndReason(code)),
            Shown(figures.ChildrenMovedAgain), Shown(figures.ChildrenSplitFromSiblings),
            figures.Trend.Select(p => new WeekPoint(p.WeekEnding, Shown(p.Waiting))).ToList(),
            figures.MonthlyTrend.Select(p => new MonthPoint(p.MonthEnding, Shown(p.Waiting),
                figures.MonthlyCareTypes.Select((careType, i) => new CareTypeCount(careType, Shown(p.ByCareType[i]))).ToList())).ToList());
    }

    public static NationalReport Of(FiguresSnapshot<NationalFigures> snapshot)
    {
        static RegionRow Row(NationalFigures.RegionRow row) => new(row.Code == "" ? null : row.Code, row.Name, Shown(row.Waiting),
            Shown(row.OverThreeMonths), row.FreeUnits, Shown(row.PlacedOutsideRegion));
        var figures = snapshot.Figures;
        var trend = figures.MonthEndings is { } months && figures.Total.WaitingAtMonthEnd is { } total
            ? months.Select((month, m) => new NationalMonthPoint(month, Shown(total[m]),
                figures.Regions.Select(r => new RegionCount(r.Code, r.WaitingAtMonthEnd is { } cells ? Shown(cells[m]) : null)).ToList())).ToList()
            : null;
        return new NationalReport(figures.CareType, snapshot.Day, snapshot.ServedForFailedDay, snapshot.ComputedAt, SmallCountRule,
            figures.Regions.Select(Row).ToList(), Row(figures.Total), trend);
    }
}
