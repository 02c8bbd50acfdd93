using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Network;

/// <summary>The expertise network's worklist: the children its regions could not place, pseudonymous, with the region's reason.</summary>
public sealed class IndexModel(Database database, Journal journal, TimeProvider clock) : PageModel
{
    public EscalatedChildren.NetworkOf? Network { get; private set; }
    public IReadOnlyList<EscalatedChildren.Child> Children { get; private set; } = [];
    public DateOnly Today { get; private set; }

    public async Task OnGetAsync()
    {
        var caller = Caller.Of(HttpContext);
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        Network = await EscalatedChildren.NetworkAsync(database, caller.RegionCode!);
        if (Network is null) return;
        Children = await EscalatedChildren.WaitingAsync(database, caller.RegionCode!);
        await using var connection = await database.OpenAsync();
        foreach (var region in Children.GroupBy(c => c.RegionCode))
            await journal.AuditAsync(connection, null, caller.ToActor(), "requests-listed", "request", null, region.Key,
                $"escalated, network {Network.Code}: " + string.Join(",", region.Select(c => c.CaseReference)));
    }

    public int Age(EscalatedChildren.Child child) => Silo.Market.MarketRows.Age(child.BirthMonth, Today);
    public int WaitingDays(EscalatedChildren.Child child) => Matching.PriorityPolicy.WaitingDays(child.MeasureStart, Today);
}
