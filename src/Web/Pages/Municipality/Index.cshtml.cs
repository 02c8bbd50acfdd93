using System.Text;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Municipality;

/// <summary>The shortage overview for purchasing, and its figures as CSV.</summary>
public sealed class IndexModel(Database database, MatchingRounds rounds, TimeProvider clock, IConfiguration configuration) : PageModel
{
    public ShortageFigures Figures { get; private set; } = null!;

    public async Task OnGetAsync() => Figures = await ShortageFigures.ComputeAsync(database, rounds, Caller.Of(HttpContext).RegionCode!, clock, configuration);

    public async Task<IActionResult> OnGetCsvAsync()
    {
        var figures = await ShortageFigures.ComputeAsync(database, rounds, Caller.Of(HttpContext).RegionCode!, clock, configuration);
        var csv = new StringBuilder();
        csv.AppendLine("onderdeel;zorgvorm;kenmerk;aantal");
        foreach (var row in figures.ByCareType)
        {
            for (var band = 0; band < ShortageFigures.AgeBands.Length; band++)
                csv.AppendLine($"wachtend;{row.CareType};leeftijd {ShortageFigures.AgeBands[band]};{row.WaitingByAgeBand[band]}");
            csv.AppendLine($"wachtend;{row.CareType};totaal;{row.Waiting}");
            csv.AppendLine($"wachtend;{row.CareType};over 3-maandennorm;{row.OverThreeMonths}");
            csv.AppendLine($"wachtend;{row.CareType};mediaan wachtdagen;{(row.ShowsMedian ? row.MedianWaitingDays.ToString() : "-")}");
            csv.AppendLine($"vrij;{row.CareType};vrije plekken;{row.FreeUnits}");
        }
        foreach (var (reason, count) in figures.UnplacedReasons)
            csv.AppendLine($"niet geplaatst;;{reason};{count}");
        foreach (var (reason, count) in figures.DeclineReasons)
            csv.AppendLine($"afgewezen (90 dagen);;{reason};{count}");
        foreach (var (reason, count) in figures.EndedPlacements)
            csv.AppendLine($"beeindigd (12 maanden);;{reason};{count}");
        csv.AppendLine($"stabiliteit (12 maanden);;kinderen met meer dan een plaatsing;{figures.ChildrenMovedAgain}");
        csv.AppendLine($"stabiliteit (12 maanden);;kinderen bewust apart van broers en zussen;{figures.ChildrenSplitFromSiblings}");
        foreach (var point in figures.Trend)
            csv.AppendLine($"trend;;week tot {point.WeekEnding:yyyy-MM-dd};{point.Waiting}");
        return File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", $"tekorten-{figures.RegionCode}-{DateTime.UtcNow:yyyy-MM-dd}.csv");
    }
}
