using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Api;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Desk;

/// <summary>The desk's board: the region's waiting children by priority and waiting time, against the norms.</summary>
public sealed class IndexModel(Database database, Journal journal, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? CareType { get; set; }
    [BindProperty(SupportsGet = true)] public string Status { get; set; } = "open";

    public IReadOnlyList<RequestsApi.RequestView> Requests { get; private set; } = [];
    public string RegionCode { get; private set; } = "";

    public async Task OnGetAsync()
    {
        var caller = Caller.Of(HttpContext);
        RegionCode = caller.RegionCode!;
        var status = Status is "open" or "placed" or "withdrawn" ? Status : "open";
        var careType = string.IsNullOrEmpty(CareType) ? null : CareType;
        Requests = await RequestsApi.ListForDeskAsync(caller, RegionCode, status, careType, database, journal, clock);
    }
}
