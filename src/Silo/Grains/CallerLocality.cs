using Microsoft.Extensions.Logging;
using Orleans.Runtime.Placement;

namespace Matchmaker.Silo.Grains;

/// <summary>A grain that moves to the node its calls come from (<see cref="CallerLocality"/>).</summary>
public interface IFollowsItsCallers
{
    CallerRun Callers { get; }
}

/// <summary>Which other node an activation's latest calls came from, and how many in a row.</summary>
public sealed class CallerRun
{
    private SiloAddress? _node;
    private int _inARow;

    /// <summary>The node to move to once <paramref name="enough"/> calls in a row came from it; else null.</summary>
    public SiloAddress? Heard(SiloAddress from, SiloAddress here, int enough)
    {
        if (from.Equals(here))
        {
            (_node, _inARow) = (null, 0);
            return null;
        }
        if (!from.Equals(_node)) (_node, _inARow) = (from, 0);
        if (++_inARow < enough) return null;
        _inARow = 0;
        return from;
    }
}

/// <summary>
/// On a cluster each web node hands its requests to grains wherever they live, so a desk or a provider's system whose
/// calls arrive at node A while the offering's grain lives on node B pays a hop between nodes on every call (two of
/// three on three nodes). Each call therefore says which node sent it, and a grain that follows its callers moves, once
/// the calls it is running are done, to the node from which its last <see cref="Enough"/> calls all came. Calls from
/// several nodes in turn (two desks on two nodes holding the same place) never make that run, so such a grain stays
/// where it is; a move costs the grain one load from the database on its new node, and at most one move per
/// <see cref="Enough"/> calls.
/// </summary>
public sealed class CallerLocality(ILocalSiloDetails silo, ILogger<CallerLocality> logger) : IOutgoingGrainCallFilter, IIncomingGrainCallFilter
{
    public const string SentFrom = "matchmaker-sent-from";
    public const int Enough = 16;

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        RequestContext.Set(SentFrom, silo.SiloAddress);
        return context.Invoke();
    }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        // A call that names no node (a reminder, a node that does not name its calls) ends a run as a local one does.
        var from = RequestContext.Get(SentFrom) as SiloAddress ?? silo.SiloAddress;
        var moveTo = context.Grain is IFollowsItsCallers follower ? follower.Callers.Heard(from, silo.SiloAddress, Enough) : null;
        try
        {
            await context.Invoke();
        }
        finally
        {
            if (moveTo is not null)
            {
                logger.LogDebug("{Grain} moves to {Node}, where its last {Count} calls came from", context.TargetId, moveTo, Enough);
                context.TargetContext.Migrate(new Dictionary<string, object> { [IPlacementDirector.PlacementHintKey] = moveTo });
            }
        }
    }
}

public static class CallerLocalityHosting
{
    /// <summary>Grains that follow their callers move to the node their calls come from (a cluster of nodes only).</summary>
    public static ISiloBuilder AddCallerLocality(this ISiloBuilder silo) =>
        silo.AddOutgoingGrainCallFilter<CallerLocality>().AddIncomingGrainCallFilter<CallerLocality>();
}
