using System.Globalization;
using System.Text;
using Matchmaker.Silo.Figures;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

/// <summary>
/// The published figures as CSV that opens in Excel (docs/open-data.md): UTF-8 with a byte-order mark, ';' between
/// cells, only numbers (or nothing) in a number column, a hidden count as an empty cell with "ja" in its
/// <c>verborgen</c> column, and the snapshot's day in the <c>stand</c> column and the file name. The page's downloads
/// and the API send the very same bytes.
/// </summary>
public static class FiguresCsv
{
    public const string ContentType = "text/csv; charset=utf-8";
    public const string ShortageHeader = "onderdeel;zorgvorm;kenmerk;aantal;verborgen;stand";
    public const string NationalHeader = "regio;regiocode;zorgvorm;wachtend;over 3-maandennorm;vrije plekken;geplaatst buiten eigen regio (12 maanden);"
        + "wachtend verborgen;over 3-maandennorm verborgen;buiten eigen regio verborgen;stand";
    private static readonly UTF8Encoding WithByteOrderMark = new(encoderShouldEmitUTF8Identifier: true);

    /// <summary>The shortage page's tables, each with a stable download (?handler=Csv&amp;tabel=..., or ?table=... in the API), and the CSV parts each holds.</summary>
    public static readonly IReadOnlyList<(string Code, string Label, string[] Parts)> ShortageTables =
    [
        ("wachtend", "Wachtende kinderen per zorgvorm", ["wachtend", "vrij"]),
        ("per-gemeente", "Per gemeente", ["wachtend per gemeente", "over 3-maandennorm per gemeente"]),
        ("oorzaken", "Waarom kinderen geen plek krijgen", ["niet geplaatst"]),
        ("afwijzingen", "Afwijzingen door aanbieders", ["afgewezen (90 dagen)"]),
        ("stabiliteit", "Plaatsingsstabiliteit", ["beeindigd (12 maanden)", "stabiliteit (12 maanden)"]),
        ("trend", "Trend per week", ["trend"]),
        ("trend-per-maand", "Trend per maand en zorgvorm", ["trend per maand"]),
    ];

    public static bool IsShortageTable(string? table) => table is null || ShortageTables.Any(t => t.Code == table);

    public static string ShortageTableChoice => $"Kies een tabel: {string.Join(", ", ShortageTables.Select(t => t.Code))}.";

    public static string ShortageFileName(FiguresSnapshot<ShortageFigures> snapshot, string? table) =>
        $"tekorten-{snapshot.Figures.RegionCode}{(table is null ? "" : "-" + table)}-{snapshot.Day:yyyy-MM-dd}.csv";

    public static string NationalFileName(FiguresSnapshot<NationalFigures> snapshot) =>
        $"regios-{(snapshot.Figures.CareType is { } careType ? CareTypeWords.InAddress(careType) : "alle-zorgvormen")}-{snapshot.Day:yyyy-MM-dd}.csv";

    /// <summary>All the region's figures, or one table of them (a code of <see cref="ShortageTables"/>, checked by the caller).</summary>
    public static byte[] Shortage(FiguresSnapshot<ShortageFigures> snapshot, string? table)
    {
        var parts = table is null ? null : ShortageTables.First(t => t.Code == table).Parts;
        var figures = snapshot.Figures;
        var stand = snapshot.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var csv = new StringBuilder().Append(ShortageHeader).Append('\n');
        void Line(string part, string careType, string feature, int? count, bool hidden)
        {
            if (parts is not null && !parts.Contains(part)) return;
            csv.Append(string.Join(';', part, Cell(careType), Cell(feature), hidden ? "" : Number(count), hidden ? "ja" : "nee", stand)).Append('\n');
        }
        void Count(string part, string careType, string feature, ProtectedCount count) => Line(part, careType, feature, count.Value, count.Hidden);

        foreach (var row in figures.ByCareType)
        {
            var careType = Dutch.CareType(row.CareType);
            for (var band = 0; band < ShortageFigures.AgeBands.Length; band++)
                Count("wachtend", careType, $"leeftijd {ShortageFigures.AgeBands[band]}", row.WaitingByAgeBand[band]);
            Count("wachtend", careType, "totaal", row.Waiting);
            Count("wachtend", careType, "over 5 werkdagen", row.OverFiveWorkingDays);
            Count("wachtend", careType, "over 6 weken", row.OverSixWeeks);
            Count("wachtend", careType, "over 3-maandennorm", row.OverThreeMonths);
            Line("wachtend", careType, "mediaan wachtdagen", row.MedianWaitingDays, !row.ShowsMedian);
            Line("vrij", careType, "vrije plekken", row.FreeUnits, false);
        }
        foreach (var row in figures.ByMunicipality)
        {
            Count("wachtend per gemeente", "", row.Name, row.Waiting);
            Count("over 3-maandennorm per gemeente", "", row.Name, row.OverThreeMonths);
        }
        Count("wachtend per gemeente", "", "totaal", figures.WaitingTotal);
        Count("over 3-maandennorm per gemeente", "", "totaal", figures.OverThreeMonthsTotal);
        foreach (var (reason, count) in figures.UnplacedReasons)
            Count("niet geplaatst", "", Dutch.Reason(reason), count);
        foreach (var (careType, byReason) in figures.UnplacedReasonsByCareType)
            foreach (var (reason, count) in byReason)
                Count("niet geplaatst", Dutch.CareType(careType), Dutch.Reason(reason), count);
        foreach (var (reason, count) in figures.DeclineReasons)
            Count("afgewezen (90 dagen)", "", Dutch.DeclineReason(reason), count);
        foreach (var (reason, count) in figures.EndedPlacements)
            Count("beeindigd (12 maanden)", "", Dutch.PlacementEndReason(reason), count);
        Count("stabiliteit (12 maanden)", "", "kinderen met meer dan een plaatsing", figures.ChildrenMovedAgain);
        Count("stabiliteit (12 maanden)", "", "kinderen bewust apart van broers en zussen", figures.ChildrenSplitFromSiblings);
        foreach (var point in figures.Trend)
            Count("trend", "", $"week tot {point.WeekEnding:yyyy-MM-dd}", point.Waiting);
        foreach (var point in figures.MonthlyTrend)
        {
            for (var i = 0; i < figures.MonthlyCareTypes.Count; i++)
                Count("trend per maand", Dutch.CareType(figures.MonthlyCareTypes[i]), $"maand tot {point.MonthEnding:yyyy-MM-dd}", point.ByCareType[i]);
            Count("trend per maand", "", $"maand tot {point.MonthEnding:yyyy-MM-dd}", point.Waiting);
        }
        return Bytes(csv);
    }

    /// <summary>Every region's row and the national total, for the snapshot's care type (or all).</summary>
    public static byte[] National(FiguresSnapshot<NationalFigures> snapshot)
    {
        var figures = snapshot.Figures;
        var careType = figures.CareType is null ? "alle" : Dutch.CareType(figures.CareType);
        var stand = snapshot.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var csv = new StringBuilder().Append(NationalHeader).Append('\n');
        static string Shown(ProtectedCount count) => count.Hidden ? "" : Number(count.Value);
        static string Flag(ProtectedCount count) => count.Hidden ? "ja" : "nee";
        foreach (var row in figures.Regions.Append(figures.Total))
            csv.Append(string.Join(';', Cell(row.Name), Cell(row.Code), Cell(careType), Shown(row.Waiting), Shown(row.OverThreeMonths), Number(row.FreeUnits),
                Shown(row.PlacedOutsideRegion), Flag(row.Waiting), Flag(row.OverThreeMonths), Flag(row.PlacedOutsideRegion), stand)).Append('\n');
        return Bytes(csv);
    }

    private static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static byte[] Bytes(StringBuilder csv) => [.. WithByteOrderMark.GetPreamble(), .. WithByteOrderMark.GetBytes(csv.ToString())];

    /// <summary>A text cell: quoted when it holds the separator, prefixed with a quote when a spreadsheet would run it as a formula.</summary>
    private static string Cell(string value)
    {
        if (value.Length == 0) return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([';', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
    }
}
