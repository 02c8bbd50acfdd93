using Matchmaker.Matching;
using Matchmaker.Silo.Figures;
using Matchmaker.Web.Api;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.National;

/// <summary>
/// All regions side by side for the national role (ministry, NZa, inspectorates): aggregates only, one care type or all,
/// a schematic map of the shortage per region and the same figures as a table, CSV and JSON (stable URLs, docs/open-data.md).
/// Today's snapshot (<see cref="FiguresSnapshots"/>): the same all day and the same as the API's (/api/v1/figures/national).
/// </summary>
public sealed class IndexModel(FiguresSnapshots snapshots) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "zorgvorm")]
    public string? CareType { get; set; }

    public string? Problem { get; private set; }

    public FiguresSnapshot<NationalFigures> Snapshot { get; private set; } = null!;

    public NationalFigures Figures => Snapshot.Figures;

    /// <summary>"Stand van 3 december 2026": the day the figures on every table and in every file stand on.</summary>
    public string Stand => $"Stand van {Dutch.LongDate(Snapshot.Day)}";

    public async Task OnGetAsync() => Snapshot = await ComputeAsync();

    public async Task<IActionResult> OnGetCsvAsync()
    {
        var snapshot = await ComputeAsync();
        if (Problem is not null) return Refused();
        return File(FiguresCsv.National(snapshot), FiguresCsv.ContentType, FiguresCsv.NationalFileName(snapshot));
    }

    public async Task<IActionResult> OnGetJsonAsync()
    {
        var snapshot = await ComputeAsync();
        if (Problem is not null) return Refused();
        return new JsonResult(FiguresTables.Of(snapshot));
    }

    private BadRequestObjectResult Refused() => BadRequest(new ValidationProblemDetails(new Dictionary<string, string[]> { ["zorgvorm"] = [Problem!] })
    {
        Title = "De zorgvorm is onbekend.", Status = StatusCodes.Status400BadRequest,
    });

    private async Task<FiguresSnapshot<NationalFigures>> ComputeAsync()
    {
        if (CareType is not null && !CareTypes.All.Contains(CareType))
        {
            Problem = "Kies een zorgvorm uit de lijst.";
            CareType = null;
        }
        return await snapshots.NationalAsync(CareType);
    }
}
