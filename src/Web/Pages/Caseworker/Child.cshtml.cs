using Matchmaker.Silo.Requests;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Caseworker;

/// <summary>The caseworker follows a child they filed: status, proposals, placement and the whole timeline. Read-only: the desk decides.</summary>
public sealed class ChildModel(ChildTimelines timelines) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    public ChildTimeline Timeline { get; private set; } = null!;
    public string RegionName { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync()
    {
        // Only the caseworker who filed the request sees it; anyone else's child answers as if it did not exist.
        if (await timelines.ForCaseworkerAsync(Caller.Of(HttpContext).ToActor(), Id) is not { } found) return NotFound();
        (Timeline, RegionName) = found;
        return Page();
    }
}
