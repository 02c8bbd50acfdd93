using Matchmaker.Matching;
using Matchmaker.Silo.Offerings;
using Matchmaker.Silo.Regions;
using Matchmaker.Silo.Requests;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Desk;

/// <summary>
/// The desk's board: tiles for what needs attention today, then the region's children found by case reference,
/// filtered (care type, urgency, norm), sorted and paged. Only the page shown is audited as read.
/// </summary>
public sealed class IndexModel(RequestReads reads, HoldReads holds, Municipalities municipalities, TimeProvider clock, RegionNames regionNames) : PageModel
{
    public const int PageSize = 50;

    public static readonly IReadOnlyList<(string Code, string Label)> Sorts =
        [("priority", "Voorrang en wachttijd"), ("waiting", "Langst wachtend"), ("newest", "Laatst aangemeld"), ("reference", "Dossiernummer")];

    [BindProperty(SupportsGet = true)] public string? CareType { get; set; }
    [BindProperty(SupportsGet = true)] public string Status { get; set; } = "open";
    [BindProperty(SupportsGet = true)] public string? Urgency { get; set; }
    [BindProperty(SupportsGet = true)] public string? Norm { get; set; }
    [BindProperty(SupportsGet = true, Name = "gemeente")] public Guid? Municipality { get; set; }
    [BindProperty(SupportsGet = true, Name = "zoek")] public string? Search { get; set; }
    [BindProperty(SupportsGet = true, Name = "sorteer")] public string Sort { get; set; } = "priority";
    [BindProperty(SupportsGet = true, Name = "pagina")] public int PageNumber { get; set; } = 1;

    public sealed record Tiles(int Crisis, int OverFiveWorkingDays, int OverSixWeeks, int OverThreeMonths, int HoldsExpiringToday);

    public Tiles Summary { get; private set; } = new(0, 0, 0, 0, 0);
    public IReadOnlyList<RequestView> Requests { get; private set; } = [];
    public int Matching { get; private set; }
    public int PageCount { get; private set; } = 1;
    public string RegionCode { get; private set; } = "";
    public string RegionName { get; private set; } = "";
    public IReadOnlyList<MunicipalityOption> Municipalities { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var caller = Caller.Of(HttpContext);
        RegionCode = caller.RegionCode!;
        RegionName = await regionNames.OfAsync(RegionCode);
        Status = Status is "open" or "placed" or "withdrawn" ? Status : "open";
        CareType = CareTypes.All.Contains(CareType ?? "") ? CareType : null;
        Urgency = Urgency is Urgencies.Crisis or Urgencies.Urgent or Urgencies.Regular ? Urgency : null;
        Norm = Norm is "within" or "over-5-working-days" or "over-6-weeks" or "over-3-months" ? Norm : null;
        Sort = Sorts.Any(s => s.Code == Sort) ? Sort : "priority";
        Municipalities = await municipalities.ListAsync(RegionCode);
        Municipality = Municipalities.Any(m => m.Id == Municipality) ? Municipality : null;

        var open = await reads.ListByPriorityAsync(RegionCode, "open", null);
        Summary = new Tiles(open.Count(r => r.Priority == 1), open.Count(r => r.NormStatus == "over-5-working-days"),
            open.Count(r => r.NormStatus == "over-6-weeks"), open.Count(r => r.NormStatus == "over-3-months"), await HoldsExpiringTodayAsync());

        var list = Status == "open" ? open : await reads.ListByPriorityAsync(RegionCode, Status, null);
        var found = list.Where(r => (CareType is null || r.CareType == CareType) && (Urgency is null || r.Urgency == Urgency)
            && (Norm is null || r.NormStatus == Norm) && (Municipality is null || r.MunicipalityId == Municipality)
            && (string.IsNullOrWhiteSpace(Search) || r.CaseReference.Contains(Search.Trim(), StringComparison.OrdinalIgnoreCase)));
        var sorted = Sort switch
        {
            "waiting" => found.OrderByDescending(r => r.WaitingDays).ThenBy(r => r.CaseReference, StringComparer.Ordinal),
            "newest" => found.OrderByDescending(r => r.RegisteredAt).ThenBy(r => r.CaseReference, StringComparer.Ordinal),
            "reference" => found.OrderBy(r => r.CaseReference, StringComparer.OrdinalIgnoreCase),
            _ => found.OrderBy(_ => 0),
        };
        var all = sorted.ToList();
        Matching = all.Count;
        PageCount = Math.Max(1, (all.Count + PageSize - 1) / PageSize);
        PageNumber = Math.Clamp(PageNumber, 1, PageCount);
        Requests = all.Skip((PageNumber - 1) * PageSize).Take(PageSize).ToList();
        await reads.AuditListedAsync(caller.ToActor(), RegionCode, Requests);
    }

    /// <summary>The board's address with one setting changed (filters kept, back to page 1 unless the page is what changes).</summary>
    public string With(string name, string? value)
    {
        var query = new Dictionary<string, string?>
        {
            ["zoek"] = Search, ["careType"] = CareType, ["urgency"] = Urgency, ["norm"] = Norm, ["gemeente"] = Municipality?.ToString(),
            ["status"] = Status == "open" ? null : Status,
            ["sorteer"] = Sort == "priority" ? null : Sort, ["pagina"] = null,
        };
        query[name] = value;
        var parts = query.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}");
        return "/tafel" + (parts.Any() ? "?" + string.Join("&", parts) : "");
    }

    private async Task<int> HoldsExpiringTodayAsync()
    {
        var now = clock.GetLocalNow();
        return await holds.ExpiringBeforeAsync(RegionCode, new DateTimeOffset(now.Date.AddDays(1), now.Offset));
    }
}
