using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Infrastructure;
using Matchmaker.Web.Pages.Desk;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Caseworker;

/// <summary>The caseworker follows a child they filed: status, proposals, placement and the whole timeline. Read-only: the desk decides.</summary>
public sealed class ChildModel(Database database, Journal journal) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    public ChildTimeline Timeline { get; private set; } = null!;
    public string RegionName { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync()
    {
        var caller = Caller.Of(HttpContext);
        await using var connection = await database.OpenAsync();
        // Only the caseworker who filed the request sees it; anyone else's child answers as if it did not exist.
        var found = await connection.QuerySingleOrDefaultAsync<RegionOfChild>("""
            SELECT g.code AS Code, g.name AS Name FROM requests r JOIN regions g ON g.code = r.region_code
            WHERE r.id = @id AND r.caseworker_id = @caseworker
            """, new { id = Id, caseworker = caller.Id });
        if (found is null || await ChildTimeline.ReadAsync(database, found.Code, Id) is not { } timeline) return NotFound();
        Timeline = timeline;
        RegionName = found.Name;
        await journal.AuditAsync(connection, null, caller.ToActor(), "request-read", "request", Id.ToString(), found.Code, $"{timeline.CaseReference} (caseworker)");
        return Page();
    }

    private sealed class RegionOfChild
    {
        public string Code { get; init; } = "";
        public string Name { get; init; } = "";
    }
}
