using Matchmaker.Silo.Figures;
using Matchmaker.Web.Api;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.National;

/// <summary>
/// All regions side by side for the national role (ministry, NZa, inspectorates): aggregates only, one care type or all,
/// a tile map of the share waiting past the norm and the same figures as a sortable table, CSV and JSON (stable URLs,
/// docs/open-data.md). Today's snapshot (<see cref="FiguresSnapshots"/>): the same all day and the same as the API's
/// (/api/v1/figures/national).
/// </summary>
public sealed class IndexModel(FiguresSnapshots snapshots, RegionPopulations populations) : PageModel
{
    /// <summary>The care type as the address names it (<see cref="CareTypeWords"/>); its code is <see cref="CareType"/>.</summary>
    [BindProperty(SupportsGet = true, Name = "zorgvorm")]
    public string? CareTypeAsked { get; set; }

    [BindProperty(SupportsGet = true, Name = "sorteer")]
    public string? SortAsked { get; set; }

    [BindProperty(SupportsGet = true, Name = "volgorde")]
    public string? OrderAsked { get; set; }

    public string? CareType { get; private set; }

    public string? Problem { get; private set; }

    public FiguresSnapshot<NationalFigures> Snapshot { get; private set; } = null!;

    public NationalFigures Figures => Snapshot.Figures;

    /// <summary>"Stand van 3 december 2026": the day the figures on every table and in every file stand on.</summary>
    public string Stand => $"Stand van {Dutch.LongDate(Snapshot.Day)}";

    /// <summary>The table's columns and sorting, with the children per region where the operator loaded them.</summary>
    public RegionTable Table { get; private set; } = null!;

    public RegionTable.Column SortedBy => Table.ColumnNamed(SortAsked);

    public bool Descending => OrderAsked is null ? SortedBy.DescendingFirst : OrderAsked == "af";

    /// <summary>The regions in the order asked for; unasked, in the snapshot's order (by name, as the downloads).</summary>
    public IReadOnlyList<NationalFigures.RegionRow> Rows => SortAsked is null && OrderAsked is null ? Figures.Regions : RegionTable.Sorted(Figures.Regions, SortedBy, Descending);

    /// <summary>This page's address with the care type chosen and the given sorting (the words users read, not codes).</summary>
    public string Address(string? handler = null, RegionTable.Column? sortBy = null, bool? descending = null)
    {
        var query = new List<string>();
        if (handler is not null) query.Add($"handler={handler}");
        if (CareType is not null) query.Add($"zorgvorm={CareTypeWords.InAddress(CareType)}");
        if (sortBy is not null) query.Add($"sorteer={sortBy.Name}&volgorde={(descending == true ? "af" : "op")}");
        return query.Count == 0 ? "/landelijk" : $"/landelijk?{string.Join('&', query)}";
    }

    public async Task OnGetAsync()
    {
        Snapshot = await ComputeAsync();
        Table = new RegionTable(await populations.LatestAsync());
    }

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
        CareType = CareTypeWords.FromAddress(CareTypeAsked);
        if (!string.IsNullOrEmpty(CareTypeAsked) && CareType is null) Problem = "Kies een zorgvorm uit de lijst.";
        return await snapshots.NationalAsync(CareType);
    }
}
