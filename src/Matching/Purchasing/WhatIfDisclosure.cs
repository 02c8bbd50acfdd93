using Matchmaker.Matching.Disclosure;

namespace Matchmaker.Matching.Purchasing;

/// <summary>
/// What a what-if run may publish (docs/open-data.md, "What-if runs"). The outcomes that describe the model (extra
/// children placed, in all, per priority, past each norm) are exact counts, but only where the group of waiting
/// children they are about has 0 or at least <see cref="Threshold"/> children: the candidates (the children who could
/// take the bought places at all), each priority class of them, and on each side of a norm. Then a difference between
/// two runs (k and k + 1 places) tells at most that one more of five or more children gets a place, or that it is one of
/// five or more crisis children: never the urgency or waiting of an identifiable child; and runs of one day about groups
/// that differ by one to four children publish no count (<see cref="IsApart"/>). Attributes of persons (their
/// waiting days, distances) are published only as averages over at least <see cref="Threshold"/> children, rounded to
/// <see cref="WaitingDaysStep"/> days and <see cref="DistanceStepKm"/> km, so the difference of two such averages
/// leaves a range of 100 days or more for any one child's wait. Pure: counts in, decisions out.
/// </summary>
public static class WhatIfDisclosure
{
    /// <summary>The version of this rule, stored with every run it published.</summary>
    public const string Version = "wat-als-3";

    public const int Threshold = SmallCountProtection.Threshold;

    /// <summary>An average waiting time is rounded to this many days.</summary>
    public const int WaitingDaysStep = 10;

    /// <summary>An average distance is rounded to this many kilometres.</summary>
    public const int DistanceStepKm = 5;

    /// <summary>
    /// What a new run of the day may publish, given what the region's earlier runs of that day published (on the same
    /// frozen input). Comparing runs two by two is not enough: a run for every child needing nothing or specialism s,
    /// minus four runs (one per age band) for the children needing nothing, leaves the one to four children who need s.
    /// So runs are audited by ATOMS: the children split by which published candidate groups they are in (the smallest
    /// groups any sum and difference of published counts can be about). A new run publishes its counts only when, with
    /// its candidates added, every atom it touches is still 0 or five or more children: for every earlier atom a it
    /// overlaps, a ∩ C and a \ C, and the children no earlier run was about, C \ union. Then every count published that
    /// day, and every sum or difference of them, is about groups of 0 or five or more. The breakdown per priority is
    /// published only when every atom inside this run's candidates or inside an earlier run that published its breakdown
    /// has each priority class 0 or five or more (the breakdowns can be differenced like the totals); "fewer past norm k"
    /// likewise, with the children past norm k and those not past it. A run whose counts are hidden publishes nothing
    /// about its candidates, so it adds no group. Pure and conservative: the order of the questions decides which are
    /// answered, and a hidden count says no more than "about fewer than five children".
    /// </summary>
    /// <param name="candidates">the new run's candidates (positions in the day's frozen input)</param>
    /// <param name="earlier">what every earlier run of the day (and every earlier line of the same sweep) published</param>
    /// <param name="children">every child of the frozen input, by position: its priority class and the norms it waited past</param>
    public static Publication Decide(PurchaseCandidates candidates, IReadOnlyList<PublishedGroup> earlier, IReadOnlyList<ChildClass> children)
    {
        if (!ShowsExtraPlaced(candidates) || !CountsStayApart(candidates.Members, earlier)) return Publication.Nothing;
        var atoms = AtomsOf([.. earlier.Select(g => g.Candidates), candidates.Members]);
        var byPriority = ShowsByPriority(candidates)
            && ClassesLargeEnough(atoms, InScope(candidates.Members, earlier.Where(g => g.ByPriority)), child => children[child].Priority);
        var pastNorm = Enumerable.Range(0, NormCount).Select(norm => ShowsPastNorm(candidates, norm)
            && ClassesLargeEnough(atoms, InScope(candidates.Members, earlier.Where(g => g.PastNorm[norm])), child => children[child].PastNorm[norm] ? 1 : 0)).ToList();
        return new Publication(true, byPriority, pastNorm);
    }

    /// <summary>The norms of <see cref="Outcome.PastNorms"/>: 5 working days, 6 weeks, 3 months.</summary>
    public const int NormCount = 3;

    /// <summary>Adding <paramref name="candidates"/> to the earlier groups leaves every atom it touches at 0 or five or more children.</summary>
    private static bool CountsStayApart(IReadOnlySet<int> candidates, IReadOnlyList<PublishedGroup> earlier)
    {
        var before = AtomsOf([.. earlier.Select(g => g.Candidates)]);
        var atomSizes = before.Values.CountBy(atom => atom).ToDictionary(p => p.Key, p => p.Value);
        var inside = candidates.Where(before.ContainsKey).CountBy(child => before[child]).ToList();
        var outsideEveryEarlier = candidates.Count(child => !before.ContainsKey(child));
        return IsLargeEnough(outsideEveryEarlier)
            && inside.All(part => IsLargeEnough(part.Value) && IsLargeEnough(atomSizes[part.Key] - part.Value));
    }

    /// <summary>
    /// The atoms of a list of groups: every child in at least one group, with a number shared exactly by the children in
    /// the same groups. Refined group by group: the members of an atom that are in the next group get a new number.
    /// </summary>
    private static Dictionary<int, int> AtomsOf(IReadOnlyList<IReadOnlySet<int>> groups)
    {
        var atomOf = new Dictionary<int, int>();
        var next = 1;
        foreach (var group in groups)
        {
            var split = new Dictionary<int, int>();
            foreach (var child in group)
            {
                var old = atomOf.GetValueOrDefault(child);
                if (!split.TryGetValue(old, out var atom)) split[old] = atom = next++;
                atomOf[child] = atom;
            }
        }
        return atomOf;
    }

    /// <summary>The children whose breakdown can be differenced: the new run's candidates and those of earlier runs that published that breakdown.</summary>
    private static HashSet<int> InScope(IReadOnlySet<int> candidates, IEnumerable<PublishedGroup> published)
    {
        var scope = new HashSet<int>(candidates);
        foreach (var group in published) scope.UnionWith(group.Candidates);
        return scope;
    }

    /// <summary>Every atom among <paramref name="scope"/> (an atom lies wholly inside or outside it) has each class 0 or five or more.</summary>
    private static bool ClassesLargeEnough(Dictionary<int, int> atomOf, HashSet<int> scope, Func<int, int> classOf) =>
        scope.GroupBy(child => atomOf[child]).All(atom => atom.CountBy(classOf).All(c => IsLargeEnough(c.Value)));

    /// <summary>A group whose size may stand behind an exact count: nobody in it, or five or more.</summary>
    public static bool IsLargeEnough(int group) => group == 0 || group >= Threshold;

    /// <summary>The extra children placed, exact, when the children who could take the places are 0 or five or more.</summary>
    public static bool ShowsExtraPlaced(PurchaseCandidates candidates) => IsLargeEnough(candidates.Count);

    /// <summary>Per priority, exact, when every priority class of the candidates is 0 or five or more (else not broken down).</summary>
    public static bool ShowsByPriority(PurchaseCandidates candidates) => ShowsExtraPlaced(candidates) && candidates.ByPriority.All(IsLargeEnough);

    /// <summary>Fewer past norm <paramref name="norm"/>, exact, when the candidates past it and those not past it are each 0 or five or more.</summary>
    public static bool ShowsPastNorm(PurchaseCandidates candidates, int norm) =>
        ShowsExtraPlaced(candidates) && IsLargeEnough(candidates.PastNorm[norm]) && IsLargeEnough(candidates.Count - candidates.PastNorm[norm]);

    /// <summary>The days the extra placed children have waited, on average, rounded to <see cref="WaitingDaysStep"/>; null below five extra placed.</summary>
    public static int? AverageWaitingDays(Comparison comparison, PurchaseCandidates candidates) =>
        ShowsExtraPlaced(candidates) && comparison.AdditionallyPlaced >= Threshold
            ? RoundTo(comparison.WaitingDaysEnded / (double)comparison.AdditionallyPlaced, WaitingDaysStep)
            : null;

    /// <summary>The placed children's average distance to home, rounded to <see cref="DistanceStepKm"/>; null below five placed.</summary>
    public static int? AverageDistanceKm(Outcome outcome) => outcome.Placed >= Threshold ? RoundTo(outcome.AverageDistanceKm, DistanceStepKm) : null;

    public static int RoundTo(double value, int step) => (int)(Math.Round(value / step, MidpointRounding.AwayFromZero) * step);
}

/// <summary>A child of the frozen input as the publication rule sees it: its priority class (1 to 3) and, per norm, whether it waited past it.</summary>
public sealed record ChildClass(int Priority, IReadOnlyList<bool> PastNorm);

/// <summary>What a run (or one line of a sweep) published about its candidates: its counts, and whether also per priority and per norm.</summary>
public sealed record PublishedGroup(IReadOnlySet<int> Candidates, bool ByPriority, IReadOnlyList<bool> PastNorm);

/// <summary>What a run may publish (<see cref="WhatIfDisclosure.Decide"/>): its counts, the breakdown per priority, each norm's line.</summary>
public sealed record Publication(bool Counts, bool ByPriority, IReadOnlyList<bool> PastNorm)
{
    public static readonly Publication Nothing = new(false, false, [false, false, false]);

    /// <summary>The group this run adds to the day's audit: none when its counts are hidden (it published nothing about its candidates).</summary>
    public PublishedGroup? GroupOf(IReadOnlySet<int> candidates) => Counts ? new PublishedGroup(candidates, ByPriority, PastNorm) : null;
}
