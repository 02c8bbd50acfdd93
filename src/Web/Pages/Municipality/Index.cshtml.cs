using Matchmaker.Silo.Figures;
using Matchmaker.Web.Api;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Municipality;

/// <summary>
/// The shortage overview for purchasing, and its figures as CSV and JSON: today's snapshot of the region's figures
/// (<see cref="FiguresSnapshots"/>), the same all day and the same as the API's (/api/v1/figures/regions/{code}/shortage).
/// </summary>
public sealed class IndexModel(FiguresSnapshots snapshots) : PageModel
{
    public FiguresSnapshot<ShortageFigures> Snapshot { get; private set; } = null!;

    public ShortageFigures Figures => Snapshot.Figures;

    /// <summary>"Stand van 3 december 2026": the day the figures on every table and in every file stand on.</summary>
    public string Stand => $"Stand van {Dutch.LongDate(Snapshot.Day)}";

    public async Task OnGetAsync() => Snapshot = await snapshots.ShortageAsync(Caller.Of(HttpContext).RegionCode!);

    /// <summary>The page's tables, each with a stable download address (?handler=Csv&amp;tabel=...), and the CSV parts each holds.</summary>
    public static IReadOnlyList<(string Code, string Label, string[] Parts)> Tables => FiguresCsv.ShortageTables;

    /// <summary>All figures, or one table of them (<paramref name="tabel"/>): the same cells as the page, hidden alike.</summary>
    public async Task<IActionResult> OnGetCsvAsync(string? tabel)
    {
        if (!FiguresCsv.IsShortageTable(tabel))
            return BadRequest(new ValidationProblemDetails(new Dictionary<string, string[]> { ["tabel"] = [FiguresCsv.ShortageTableChoice] })
            {
                Title = "Deze tabel bestaat niet.", Status = StatusCodes.Status400BadRequest,
            });
        var snapshot = await snapshots.ShortageAsync(Caller.Of(HttpContext).RegionCode!);
        return File(FiguresCsv.Shortage(snapshot, tabel), FiguresCsv.ContentType, FiguresCsv.ShortageFileName(snapshot, tabel));
    }

    /// <summary>The same figures as JSON (columns in docs/open-data.md): codes and Dutch names, hidden counts as null.</summary>
    public async Task<IActionResult> OnGetJsonAsync() =>
        new JsonResult(FiguresTables.Of(await snapshots.ShortageAsync(Caller.Of(HttpContext).RegionCode!)));
}
