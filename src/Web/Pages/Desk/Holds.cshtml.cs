using Matchmaker.Silo.Offerings;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Desk;

/// <summary>
/// Lopende reserveringen: the region's active holds, soonest to expire first, with the time left; and the answers of
/// the last day (accepted, declined with the reason, expired), which the navigation's badge points to.
/// </summary>
public sealed class HoldsModel(HoldReads holds, TimeProvider clock) : PageModel
{
    public IReadOnlyList<HoldReads.RunningHold> Holds { get; private set; } = [];
    public IReadOnlyList<HoldReads.AnsweredHold> Answered { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync()
    {
        Now = clock.GetUtcNow();
        (Holds, Answered) = await holds.OfDeskAsync(Caller.Of(HttpContext).ToActor());
    }

    /// <summary>The answer in words: "geaccepteerd", "afgewezen: past niet bij de zorgbehoefte (“…”)", "verlopen zonder antwoord".</summary>
    public static string Answer(HoldReads.AnsweredHold hold) => hold.Status switch
    {
        "accepted" => "Geaccepteerd",
        "declined" => $"Afgewezen: {Dutch.DeclineReason(hold.DeclineReason ?? "other").ToLowerInvariant()}" +
            (string.IsNullOrWhiteSpace(hold.DeclineNote) ? "" : $" (“{hold.DeclineNote}”)"),
        _ => "Verlopen zonder antwoord",
    };

    /// <summary>"nog 5 uur 20 min", "nog 2 dagen 3 uur", or "verlopen" (the region's clock ends it within seconds).</summary>
    public static string TimeLeft(DateTimeOffset expiresAt, DateTimeOffset now)
    {
        var left = expiresAt - now;
        if (left <= TimeSpan.Zero) return "verlopen";
        if (left.TotalHours >= 48) return $"nog {(int)left.TotalDays} dagen {left.Hours} uur";
        if (left.TotalHours >= 1) return $"nog {(int)left.TotalHours} uur {left.Minutes} min";
        return $"nog {Math.Max(1, left.Minutes)} min";
    }
}
