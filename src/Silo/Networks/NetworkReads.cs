using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Networks;

/// <summary>
/// What an expertise network reads: the children its regions escalated and the free places of the whole country for
/// one of them. The network the reader is seated in is the tenant; every read of a child is audited in its region.
/// A network needs a child while it waits; it may still read how its work ended for <see cref="ClosedChildDays"/> days
/// after the child was placed or withdrawn, and then no longer (AVG: only what the task needs).
/// </summary>
public sealed class NetworkReads(Database database, Journal journal, TimeProvider clock)
{
    public const int ClosedChildDays = 30;

    public Task<EscalatedChildren.NetworkOf?> NetworkAsync(string seat) => EscalatedChildren.NetworkAsync(database, seat);

    /// <summary>The network's waiting escalated children; the list is audited per child's region.</summary>
    public async Task<List<EscalatedChildren.Child>> WaitingAsync(Actor reader, string seat, string networkCode)
    {
        var children = await EscalatedChildren.WaitingAsync(database, seat);
        foreach (var region in children.GroupBy(c => c.RegionCode))
            await journal.AuditReadAsync(reader, "requests-listed", "request", null, region.Key,
                $"escalated, network {networkCode}: " + Journal.RequestIds(region.Select(c => c.Id)));
        return children;
    }

    /// <summary>One escalated child of the network (while it waits, or closed for at most <see cref="ClosedChildDays"/> days), audited; null for any other child.</summary>
    public async Task<EscalatedChildren.Child?> ChildAsync(Actor reader, string seat, Guid requestId)
    {
        var closedSince = clock.GetUtcNow().AddDays(-ClosedChildDays);
        if (await EscalatedChildren.OneAsync(database, seat, requestId, closedSince) is not { } child) return null;
        await journal.AuditReadAsync(reader, "request-read", "request", requestId.ToString(), child.RegionCode, $"{child.CaseReference} (network)");
        return child;
    }

    public Task<NationalPlaces.Found> PlacesForAsync(EscalatedChildren.Child child, DateOnly today) => NationalPlaces.ForAsync(database, child, today);
}
