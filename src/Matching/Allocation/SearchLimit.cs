namespace Matchmaker.Matching.Allocation;

/// <summary>
/// How much work one solve's sibling search may do. A dense part with many sibling groups can need exponentially many
/// branches to prove its best allocation best (each split group costs a little, and the relaxation does not see the
/// others' costs), so a solve is stopped instead of holding its region for minutes: once the work is spent, a part that
/// has found an allocation stops, and one that has none yet (a part searched after the limit was reached) dives to its
/// first, so every part has one that keeps every rule; the branches left say by their bounds how much better an
/// allocation could still be. Counted in work (nodes copied, scanned and popped, arcs and excluded places read by the
/// branches' repairs; a few passes over the edges for a branch solved afresh), not in time, so the same instance still
/// gives the same answer on any machine.
/// </summary>
internal sealed class SearchLimit(long work)
{
    /// <summary>Up to about two seconds of branches on this project's 2-core machines; the largest family instance needs under a sixth of it.</summary>
    public const long DefaultWork = 100_000_000;

    public long WorkLeft { get; private set; } = work;

    public bool Reached => WorkLeft <= 0;

    /// <summary>
    /// How much better than the allocation returned the best allocation could still be, level by level (the unsearched
    /// branches' bounds less what their parts found); null while every part was searched to the end.
    /// </summary>
    public AllocationValue? Shortfall { get; private set; }

    public void Spend(long work) => WorkLeft -= work;

    /// <summary>A part left branches unsearched whose bound is better than what it found.</summary>
    public void LeftOpen(AllocationValue found, AllocationValue bound) => Shortfall = (Shortfall ?? default) + (bound - found);
}
