using System.Text;
using Matchmaker.Silo.Figures;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Municipality;

/// <summary>The shortage overview for purchasing, and its figures as CSV.</summary>
public sealed class IndexModel(RegionShortage shortage, TimeProvider clock) : PageModel
{
    public ShortageFigures Figures { get; private set; } = null!;

    public async Task OnGetAsync() => Figures = await shortage.ReadAsync(Caller.Of(HttpContext).RegionCode!);

    /// <summary>The page's tables, each with a stable download address (?handler=Csv&amp;tabel=...), and the CSV parts each holds.</summary>
    public static readonly IReadOnlyList<(string Code, string Label, string[] Parts)> Tables =
    [
        ("wachtend", "Wachtende kinderen per zorgvorm", ["wachtend", "vrij"]),
        ("per-gemeente", "Per gemeente", ["wachtend per gemeente", "over 3-maandennorm per gemeente"]),
        ("oorzaken", "Waarom kinderen geen plek krijgen", ["niet geplaatst"]),
        ("afwijzingen", "Afwijzingen door aanbieders", ["afgewezen (90 dagen)"]),
        ("stabiliteit", "Plaatsingsstabiliteit", ["beeindigd (12 maanden)", "stabiliteit (12 maanden)"]),
        ("trend", "Trend per week", ["trend"]),
        ("trend-per-maand", "Trend per maand en zorgvorm", ["trend per maand"]),
    ];

    /// <summary>All figures, or one table of them (<paramref name="tabel"/>): the same cells as the page, hidden alike.</summary>
    public async Task<IActionResult> OnGetCsvAsync(string? tabel)
    {
        var parts = tabel is null ? null : Tables.FirstOrDefault(t => t.Code == tabel).Parts;
        if (tabel is not null && parts is null)
            return BadRequest(new ValidationProblemDetails(new Dictionary<string, string[]>
            {
                ["tabel"] = [$"Kies een tabel: {string.Join(", ", Tables.Select(t => t.Code))}."],
            }) { Title = "Deze tabel bestaat niet.", Status = StatusCodes.Status400BadRequest });
        var figures = await shortage.ReadAsync(Caller.Of(HttpContext).RegionCode!);
        var csv = new StringBuilder();
        csv.AppendLine("onderdeel;zorgvorm;kenmerk;aantal");
        foreach (var row in figures.ByCareType)
        {
            for (var band = 0; band < ShortageFigures.AgeBands.Length; band++)
                csv.AppendLine($"wachtend;{Dutch.CareType(row.CareType)};leeftijd {ShortageFigures.AgeBands[band]};{row.WaitingByAgeBand[band]}");
            csv.AppendLine($"wachtend;{Dutch.CareType(row.CareType)};totaal;{row.Waiting}");
            csv.AppendLine($"wachtend;{Dutch.CareType(row.CareType)};over 5 werkdagen;{row.OverFiveWorkingDays}");
            csv.AppendLine($"wachtend;{Dutch.CareType(row.CareType)};over 6 weken;{row.OverSixWeeks}");
            csv.AppendLine($"wachtend;{Dutch.CareType(row.CareType)};over 3-maandennorm;{row.OverThreeMonths}");
            csv.AppendLine($"wachtend;{Dutch.CareType(row.CareType)};mediaan wachtdagen;{(row.ShowsMedian ? row.MedianWaitingDays.ToString() : "-")}");
            csv.AppendLine($"vrij;{Dutch.CareType(row.CareType)};vrije plekken;{row.FreeUnits}");
        }
        foreach (var row in figures.ByMunicipality)
        {
            csv.AppendLine($"wachtend per gemeente;;{row.Name};{row.Waiting}");
            csv.AppendLine($"over 3-maandennorm per gemeente;;{row.Name};{row.OverThreeMonths}");
        }
        csv.AppendLine($"wachtend per gemeente;;totaal;{figures.WaitingTotal}");
        csv.AppendLine($"over 3-maandennorm per gemeente;;totaal;{figures.OverThreeMonthsTotal}");
        foreach (var (reason, count) in figures.UnplacedReasons)
            csv.AppendLine($"niet geplaatst;;{Dutch.Reason(reason)};{count}");
        foreach (var (careType, byReason) in figures.UnplacedReasonsByCareType)
            foreach (var (reason, count) in byReason)
                csv.AppendLine($"niet geplaatst;{Dutch.CareType(careType)};{Dutch.Reason(reason)};{count}");
        foreach (var (reason, count) in figures.DeclineReasons)
            csv.AppendLine($"afgewezen (90 dagen);;{Dutch.DeclineReason(reason)};{count}");
        foreach (var (reason, count) in figures.EndedPlacements)
            csv.AppendLine($"beeindigd (12 maanden);;{Dutch.PlacementEndReason(reason)};{count}");
        csv.AppendLine($"stabiliteit (12 maanden);;kinderen met meer dan een plaatsing;{figures.ChildrenMovedAgain}");
        csv.AppendLine($"stabiliteit (12 maanden);;kinderen bewust apart van broers en zussen;{figures.ChildrenSplitFromSiblings}");
        foreach (var point in figures.Trend)
            csv.AppendLine($"trend;;week tot {point.WeekEnding:yyyy-MM-dd};{point.Waiting}");
        foreach (var point in figures.MonthlyTrend)
        {
            for (var i = 0; i < figures.MonthlyCareTypes.Count; i++)
                csv.AppendLine($"trend per maand;{Dutch.CareType(figures.MonthlyCareTypes[i])};maand tot {point.MonthEnding:yyyy-MM-dd};{point.ByCareType[i]}");
            csv.AppendLine($"trend per maand;;maand tot {point.MonthEnding:yyyy-MM-dd};{point.Waiting}");
        }
        var lines = csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var chosen = parts is null ? lines : lines.Take(1).Concat(lines.Skip(1).Where(line => parts.Contains(line.Split(';')[0])));
        return File(Encoding.UTF8.GetBytes(string.Join('\n', chosen) + "\n"), "text/csv; charset=utf-8",
            $"tekorten-{figures.RegionCode}{(tabel is null ? "" : "-" + tabel)}-{DateTime.UtcNow:yyyy-MM-dd}.csv");
    }

    /// <summary>The same figures as JSON (columns in docs/open-data.md): codes and Dutch names, hidden counts as null.</summary>
    public async Task<IActionResult> OnGetJsonAsync()
    {
        var figures = await shortage.ReadAsync(Caller.Of(HttpContext).RegionCode!);
        static int? Shown(ProtectedCount count) => count.Hidden ? null : count.Value;
        static object Counts(IEnumerable<KeyValuePair<string, ProtectedCount>> counts, Func<string, string> name) =>
            counts.Select(c => new { code = c.Key, name = name(c.Key), count = Shown(c.Value) }).ToList();
        return new JsonResult(new
        {
            region = figures.RegionCode,
            generatedAt = clock.GetUtcNow(),
            smallCountRule = $"Counts of 1 to {Matchmaker.Matching.Disclosure.SmallCountProtection.Threshold - 1} are null, and so are as many others as needed that none can be calculated back from the totals; zeros are shown.",
            waiting = figures.ByCareType.Select(row => new
            {
                careType = row.CareType, careTypeName = Dutch.CareType(row.CareType),
                byAgeBand = ShortageFigures.AgeBands.Select((band, i) => new { ageBand = band, count = Shown(row.WaitingByAgeBand[i]) }).ToList(),
                total = Shown(row.Waiting), overFiveWorkingDays = Shown(row.OverFiveWorkingDays), overSixWeeks = Shown(row.OverSixWeeks),
                overThreeMonths = Shown(row.OverThreeMonths),
                medianWaitingDays = row.ShowsMedian ? row.MedianWaitingDays : (int?)null, freeUnits = row.FreeUnits,
            }).ToList(),
            byMunicipality = figures.ByMunicipality.Select(row => new
            {
                municipality = row.Id, name = row.Name, waiting = Shown(row.Waiting), overThreeMonths = Shown(row.OverThreeMonths),
            }).ToList(),
            waitingTotal = Shown(figures.WaitingTotal),
            overThreeMonthsTotal = Shown(figures.OverThreeMonthsTotal),
            latestRound = figures.LatestRound,
            notPlacedReasons = Counts(figures.UnplacedReasons, Dutch.Reason),
            notPlacedReasonsByCareType = figures.UnplacedReasonsByCareType.Select(c => new
            {
                careType = c.Key, careTypeName = Dutch.CareType(c.Key), reasons = Counts(c.Value, Dutch.Reason),
            }).ToList(),
            declineReasons90Days = Counts(figures.DeclineReasons, Dutch.DeclineReason),
            endedPlacements12Months = Counts(figures.EndedPlacements, code => Dutch.PlacementEndReason(code)),
            childrenMovedAgain12Months = Shown(figures.ChildrenMovedAgain),
            childrenSplitFromSiblings12Months = Shown(figures.ChildrenSplitFromSiblings),
            trend = figures.Trend.Select(p => new { weekEnding = p.WeekEnding, waiting = Shown(p.Waiting) }).ToList(),
            monthlyTrend = figures.MonthlyTrend.Select(p => new
            {
                monthEnding = p.MonthEnding, waiting = Shown(p.Waiting),
                byCareType = figures.MonthlyCareTypes.Select((careType, i) => new { careType, count = Shown(p.ByCareType[i]) }).ToList(),
            }).ToList(),
        });
    }
}
