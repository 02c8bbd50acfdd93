using Matchmaker.Silo.Networks;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Network;

/// <summary>The expertise network's worklist: the children its regions could not place, pseudonymous, with the region's reason.</summary>
public sealed class IndexModel(NetworkReads networks, TimeProvider clock) : PageModel
{
    public EscalatedChildren.NetworkOf? Network { get; private set; }
    public IReadOnlyList<EscalatedChildren.Child> Children { get; private set; } = [];
    public DateOnly Today { get; private set; }

    public async Task OnGetAsync()
    {
        var caller = Caller.Of(HttpContext);
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        Network = await networks.NetworkAsync(caller.RegionCode!);
        if (Network is null) return;
        Children = await networks.WaitingAsync(caller.ToActor(), caller.RegionCode!, Network.Code);
    }

    public int Age(EscalatedChildren.Child child) => Silo.Market.MarketRows.Age(child.BirthMonth, Today);
    public int WaitingDays(EscalatedChildren.Child child) => Matching.PriorityPolicy.WaitingDays(child.MeasureStart, Today);
}
