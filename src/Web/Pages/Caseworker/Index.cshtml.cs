using Matchmaker.Matching;
using Matchmaker.Silo.Requests;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Caseworker;

/// <summary>A caseworker's own children: the requests they filed, in any region, with where each stands. Nobody else's.</summary>
public sealed class IndexModel(RequestReads reads, TimeProvider clock) : PageModel
{
    public IReadOnlyList<OwnChild> Children { get; private set; } = [];
    public DateOnly Today { get; private set; }

    public async Task OnGetAsync()
    {
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        Children = await reads.FiledByAsync(Caller.Of(HttpContext).ToActor());
    }

    /// <summary>Where the child stands, in one phrase.</summary>
    public static string Standing(OwnChild child) => child switch
    {
        { Status: "placed", PlacedWith: { } provider } => $"Geplaatst bij {provider}",
        { Status: "open", ActiveHolds: > 0 } => "Voorgesteld; wacht op antwoord van de aanbieder",
        { Status: "open", EscalatedAt: not null } => "Wacht op een plek; bovenregionaal geëscaleerd",
        { Status: "open" } => "Wacht op een plek",
        _ => Dutch.Status(child.Status),
    };

    public string Waiting(OwnChild child) => child.Status == "open"
        ? $"{PriorityPolicy.WaitingDays(child.MeasureStart, Today)} dagen; {Dutch.Norm(WaitingNorms.Code(WaitingNorms.Of(child.MeasureStart, Today))).ToLowerInvariant()}"
        : "–";
}
