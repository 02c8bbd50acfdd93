using Matchmaker.Silo.Figures;
using Matchmaker.Web.Infrastructure;
using Matchmaker.Web.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.National;

/// <summary>
/// The national re-match (<see cref="NationalRematch"/>): how many more children would be placed, and how much nearer,
/// if regions shared their places per expertise network or nationally. Computed in the engine's heavy lane once per day
/// and published as that day's snapshot; while it computes the page says so and fills in by itself (with JavaScript) or
/// refreshes (without).
/// </summary>
public sealed class RematchModel(NationalRematch rematch) : PageModel
{
    /// <summary>The day (yyyy-MM-dd) a "bezig" page waits for (its refresh comes back with it).</summary>
    [BindProperty(SupportsGet = true, Name = "stand")]
    public string? WaitedFor { get; set; }

    public RematchView View { get; private set; } = null!;

    public RematchFigures Figures => View.Figures!;

    /// <summary>Where the "bezig" page asks again: the version it waits for, or just the page when the lane had no room.</summary>
    public string RetryUrl => View.Status == LaneStatus.Running ? $"/landelijk/herverdeling?stand={Uri.EscapeDataString(View.Day)}" : "/landelijk/herverdeling";

    public async Task<IActionResult> OnGetAsync()
    {
        View = await rematch.ViewAsync(Caller.Of(HttpContext).Id, WaitedFor, HttpContext.RequestAborted);
        if (View.Status == LaneStatus.Busy) Busy.Refuse(HttpContext, View.RetryAfter);
        else if (View.Status == LaneStatus.Running) Response.StatusCode = StatusCodes.Status202Accepted;
        return Page();
    }

    /// <summary>How many more of a region's children a pool places than the region alone: "+3", "0", "−1"; "x" unless both counts are shown.</summary>
    public static string Extra(ProtectedCount alone, ProtectedCount pooled) =>
        alone.Hidden || pooled.Hidden ? ProtectedCount.Mark : (pooled.Value - alone.Value) switch
        {
            > 0 and var more => $"+{more.ToString("N0", Dutch.Culture)}",
            < 0 and var fewer => $"−{(-fewer).ToString("N0", Dutch.Culture)}",
            _ => "0",
        };

    /// <summary>The name and the one-line explanation of a way of sharing places.</summary>
    public static (string Name, string Explanation) Describe(Pool pool) => pool switch
    {
        Pool.EachRegionAlone => ("Elke regio apart", "Kinderen alleen naar plekken in hun eigen jeugdregio."),
        Pool.PerExpertiseNetwork => ("Per expertisenetwerk", "De regio's van één bovenregionaal expertisenetwerk delen hun plekken."),
        _ => ("Heel Nederland samen", "Alle plekken voor alle kinderen, binnen de maximale afstand van elk kind."),
    };
}
