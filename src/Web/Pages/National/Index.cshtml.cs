using System.Text;
using Matchmaker.Matching;
using Matchmaker.Silo.Figures;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.National;

/// <summary>
/// All regions side by side for the national role (ministry, NZa, inspectorates): aggregates only, one care type or all,
/// a schematic map of the shortage per region and the same figures as a table, CSV and JSON (stable URLs, docs/open-data.md).
/// </summary>
public sealed class IndexModel(NationalOverview overview, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "zorgvorm")]
    public string? CareType { get; set; }

    public string? Problem { get; private set; }

    public NationalFigures Figures { get; private set; } = null!;

    public async Task OnGetAsync() => Figures = await ComputeAsync();

    public async Task<IActionResult> OnGetCsvAsync()
    {
        var figures = await ComputeAsync();
        if (Problem is not null) return Refused();
        var csv = new StringBuilder("regio;regiocode;zorgvorm;wachtend;over 3-maandennorm;vrije plekken;geplaatst buiten eigen regio (12 maanden)\n");
        foreach (var row in figures.Regions.Append(figures.Total))
            csv.AppendLine($"{row.Name};{row.Code};{(CareType is null ? "alle" : Dutch.CareType(CareType))};{row.Waiting};{row.OverThreeMonths};{row.FreeUnits};{row.PlacedOutsideRegion}");
        return File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", $"regios-{CareType ?? "alle"}-{clock.GetUtcNow():yyyy-MM-dd}.csv");
    }

    public async Task<IActionResult> OnGetJsonAsync()
    {
        var figures = await ComputeAsync();
        if (Problem is not null) return Refused();
        object Row(NationalFigures.RegionRow row) => new
        {
            region = row.Code == "" ? null : row.Code, name = row.Name, waiting = row.Waiting.Plotted, overThreeMonths = row.OverThreeMonths.Plotted,
            freeUnits = row.FreeUnits, placedOutsideRegion12Months = row.PlacedOutsideRegion.Plotted,
        };
        return new JsonResult(new
        {
            careType = CareType, generatedAt = clock.GetUtcNow(),
            smallCountRule = "Counts of 1 to 4 children are null, and so are as many others as needed that none can be calculated back from the national totals; zeros are shown.",
            regions = figures.Regions.Select(Row).ToList(), total = Row(figures.Total),
        });
    }

    private BadRequestObjectResult Refused() => BadRequest(new ValidationProblemDetails(new Dictionary<string, string[]> { ["zorgvorm"] = [Problem!] })
    {
        Title = "De zorgvorm is onbekend.", Status = StatusCodes.Status400BadRequest,
    });

    private async Task<NationalFigures> ComputeAsync()
    {
        if (CareType is not null && !CareTypes.All.Contains(CareType))
        {
            Problem = "Kies een zorgvorm uit de lijst.";
            CareType = null;
        }
        return await overview.ReadAsync(CareType);
    }
}
