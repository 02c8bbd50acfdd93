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
    public const string Version = "wat-als-2";

    public const int Threshold = SmallCountProtection.Threshold;

    /// <summary>An average waiting time is rounded to this many days.</summary>
    public const int WaitingDaysStep = 10;

    /// <summary>An average distance is rounded to this many kilometres.</summary>
    public const int DistanceStepKm = 5;

    /// <summary>
    /// Runs of one day about different children: a run whose candidates overlap an earlier run's of the same day (same
    /// input) must differ from them by 0 or five or more children on each side, or its counts are hidden. Otherwise the
    /// difference of the two runs (say 50 places with every specialism, and 50 without one) would be about the one to
    /// four children only one of them could take. Runs about disjoint groups (other care types) are independent.
    /// </summary>
    public static bool IsApart(IReadOnlySet<int> candidates, IEnumerable<IReadOnlySet<int>> earlier) =>
        earlier.All(other => !other.Overlaps(candidates)
            || (IsLargeEnough(candidates.Count(c => !other.Contains(c))) && IsLargeEnough(other.Count(c => !candidates.Contains(c)))));

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
