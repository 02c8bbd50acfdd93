namespace Matchmaker.Matching.Purchasing;

/// <summary>
/// What-if for purchasing (inkoop): the matcher re-run on the region's waiting children with places the region could
/// buy or contract, against the same children without them. Exact: both sides are the matcher's optimal allocation
/// (on a market dense enough to reach the matcher's search limit, the best it found: see docs/matching.md section 2).
/// </summary>
public static class WhatIf
{
    /// <summary>Every gender a bought place takes: purchasing buys for all children of its care type and ages.</summary>
    private static readonly IReadOnlyList<string> AllGenders = ["f", "m", "x"];

    /// <summary>The most units one what-if or one sweep step may add: a purchase, not a new market.</summary>
    public const int MaxUnits = 50;

    /// <summary>What the region's waiting children get from the places as they are.</summary>
    public static Outcome Evaluate(MatchingInstance instance, DateOnly asOf) => Outcome.Of(instance, Matcher.Allocate(instance), asOf);

    /// <summary>The children's outcome with <paramref name="purchase"/> added, against the outcome without it.</summary>
    public static Comparison Buy(MatchingInstance instance, Purchase purchase, string regionId, DateOnly asOf) =>
        new(Evaluate(instance, asOf), Evaluate(With(instance, purchase, regionId), asOf));

    /// <summary>The outcome when the region contracts the place <paramref name="placeId"/> (its free units become usable under a policy that needs a contract).</summary>
    public static Comparison Contract(MatchingInstance instance, string placeId, string regionId, DateOnly asOf)
    {
        var index = instance.Places.ToList().FindIndex(p => p.Id == placeId);
        if (index < 0) throw new ArgumentException($"No place '{placeId}' in the instance.", nameof(placeId));
        var places = instance.Places.ToArray();
        places[index] = Contracted(places[index], regionId);
        return new Comparison(Evaluate(instance, asOf), Evaluate(instance with { Places = places }, asOf));
    }

    /// <summary>The place as it is once the region contracts it.</summary>
    public static Place Contracted(Place place, string regionId) =>
        place with { ContractedBy = place.ContractedBy.Contains(regionId) ? place.ContractedBy : [.. place.ContractedBy, regionId] };

    /// <summary>The place a purchase adds: its care type, ages and specialisms at its spot, open to every gender, contracted by the region.</summary>
    public static Place PlaceOf(Purchase purchase, string regionId) =>
        new($"what-if:{purchase.CareType}", purchase.CareType, purchase.Units, purchase.MinAge, purchase.MaxAge, AllGenders,
            purchase.CareType == CareTypes.Secure, purchase.Specialisms, purchase.Lat, purchase.Lon, regionId, [regionId]);

    /// <summary>
    /// The waiting children who could take <paramref name="place"/> at all, capacity aside (care type, security, age,
    /// gender, needs, distance, the region's policy): the group a purchase of such places is about. Counted in all, per
    /// priority and past each norm; <see cref="WhatIfDisclosure"/> publishes a count only where its group is large enough.
    /// </summary>
    public static PurchaseCandidates CandidatesFor(MatchingInstance instance, Place place, DateOnly asOf)
    {
        var byPriority = new int[3];
        var pastNorm = new int[3];
        var members = new HashSet<int>();
        for (var r = 0; r < instance.Requests.Count; r++)
        {
            var request = instance.Requests[r];
            if (Feasibility.BrokenByKind(request, place) is not null) continue;
            if (Geo.DistanceKm(request.Lat, request.Lon, place.Lat, place.Lon) > request.MaxDistanceKm) continue;
            if (Feasibility.BrokenPolicy(request, place, instance.Policy) is not null) continue;
            members.Add(r);
            byPriority[request.Priority - 1]++;
            var measureStart = asOf.AddDays(-request.WaitingDays);
            for (var n = 0; n < pastNorm.Length; n++)
                if (WaitingNorms.IsPast(Outcome.PastNorms[n], measureStart, asOf)) pastNorm[n]++;
        }
        return new PurchaseCandidates(byPriority.Sum(), byPriority, pastNorm, members);
    }

    /// <summary>Every child of the instance, by position, as <see cref="WhatIfDisclosure.Decide"/> audits it: priority class and the norms it waited past.</summary>
    public static IReadOnlyList<ChildClass> ClassesOf(MatchingInstance instance, DateOnly asOf) =>
        [.. instance.Requests.Select(request => new ChildClass(request.Priority,
            [.. Outcome.PastNorms.Select(norm => WaitingNorms.IsPast(norm, asOf.AddDays(-request.WaitingDays), asOf))]))];

    /// <summary>
    /// For every care type, the comparison after buying 1 to <paramref name="maxUnits"/> places of <paramref name="placeFor"/>
    /// that care type. Each care type is solved on its own part of the market (its children, their siblings' care types
    /// and those care types' places): places of one care type can only change the allocation of the parts they join, so
    /// the differences are those of the whole region, at a fraction of the work.
    /// </summary>
    public static IReadOnlyList<SweepRow> Sweep(MatchingInstance instance, IReadOnlyList<string> careTypes, Func<string, Purchase> placeFor,
        string regionId, DateOnly asOf, int maxUnits = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxUnits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxUnits, MaxUnits);
        return careTypes.Select(careType =>
        {
            var part = PartFor(instance, careType);
            var before = Evaluate(part, asOf);
            var steps = Enumerable.Range(1, maxUnits)
                .Select(units => new Comparison(before, Evaluate(With(part, placeFor(careType) with { Units = units }, regionId), asOf)))
                .ToList();
            // The candidates as positions in the whole instance (not in the part), like every other run's: runs are compared by them.
            return new SweepRow(careType, steps, CandidatesFor(instance, PlaceOf(placeFor(careType), regionId), asOf));
        }).ToList();
    }

    /// <summary>The instance with the purchase added as one more place, contracted by the region.</summary>
    public static MatchingInstance With(MatchingInstance instance, Purchase purchase, string regionId)
    {
        Validate(purchase);
        return instance with { Places = [.. instance.Places, PlaceOf(purchase, regionId)] };
    }

    private static void Validate(Purchase purchase)
    {
        if (purchase.Units is < 1 or > MaxUnits) throw new ArgumentException($"Units must be 1 to {MaxUnits}.", nameof(purchase));
        if (purchase.MinAge < 0 || purchase.MaxAge < purchase.MinAge) throw new ArgumentException("The age range is empty.", nameof(purchase));
    }

    /// <summary>The children of <paramref name="careType"/> with everything their allocation can depend on.</summary>
    private static MatchingInstance PartFor(MatchingInstance instance, string careType)
    {
        var careTypes = new HashSet<string>(StringComparer.Ordinal) { careType };
        var groups = instance.Requests.Where(r => r.SiblingGroup is not null).GroupBy(r => r.SiblingGroup!).ToList();
        var grown = true;
        while (grown)
        {
            grown = false;
            foreach (var group in groups)
                if (group.Any(r => careTypes.Contains(r.CareType)))
                    foreach (var member in group)
                        grown |= careTypes.Add(member.CareType);
        }
        return instance with
        {
            Places = instance.Places.Where(p => careTypes.Contains(p.CareType)).ToList(),
            Requests = instance.Requests.Where(r => careTypes.Contains(r.CareType)).ToList(),
        };
    }
}

/// <summary>Extra units the region could buy: one care type, an age range, the specialisms they offer, at one spot.</summary>
public sealed record Purchase(string CareType, int Units, int MinAge, int MaxAge, IReadOnlyList<string> Specialisms, double Lat, double Lon);

/// <summary>One care type's sweep: the comparison after buying 1, 2, … places of it, and the children such places could take (positions in the whole instance).</summary>
public sealed record SweepRow(string CareType, IReadOnlyList<Comparison> ByUnits, PurchaseCandidates Candidates);

/// <summary>
/// The waiting children who could take a kind of place at all (capacity aside): how many, per priority class (crisis,
/// urgent, regular) and past each norm (5 working days, 6 weeks, 3 months, as in <see cref="Outcome"/>).
/// </summary>
/// <param name="Members">which children they are (indices into the instance's requests): for comparing runs of one day, never published</param>
public sealed record PurchaseCandidates(int Count, IReadOnlyList<int> ByPriority, IReadOnlyList<int> PastNorm, IReadOnlySet<int> Members);

/// <summary>
/// What an allocation gives the waiting children: how many are placed (per priority class), the days the placed ones
/// have waited, their total distance, and how many stay without a place past each norm (5 working days, 6 weeks, 3 months).
/// </summary>
public sealed record Outcome(int Placed, IReadOnlyList<int> PlacedByPriority, long WaitingDaysOfPlaced, double DistanceKm, IReadOnlyList<int> UnplacedPastNorm)
{
    internal static readonly WaitingNorms.Status[] PastNorms =
        [WaitingNorms.Status.OverFiveWorkingDays, WaitingNorms.Status.OverSixWeeks, WaitingNorms.Status.OverThreeMonths];

    public double AverageDistanceKm => Placed == 0 ? 0 : DistanceKm / Placed;

    public static Outcome Of(MatchingInstance instance, PlacedRequests allocation, DateOnly asOf)
    {
        var byPriority = new int[3];
        var pastNorm = new int[3];
        long waitingDays = 0;
        double distance = 0;
        for (var r = 0; r < instance.Requests.Count; r++)
        {
            var request = instance.Requests[r];
            if (allocation.PlaceOf[r] >= 0)
            {
                byPriority[request.Priority - 1]++;
                waitingDays += request.WaitingDays;
                distance += allocation.DistanceKm[r];
                continue;
            }
            var measureStart = asOf.AddDays(-request.WaitingDays);
            for (var n = 0; n < pastNorm.Length; n++)
                if (WaitingNorms.IsPast(PastNorms[n], measureStart, asOf)) pastNorm[n]++;
        }
        return new Outcome(byPriority.Sum(), byPriority, waitingDays, distance, pastNorm);
    }
}

/// <summary>Before and after a purchase: the differences are what the purchase does for the waiting children.</summary>
public sealed record Comparison(Outcome Before, Outcome After)
{
    public int AdditionallyPlaced => After.Placed - Before.Placed;

    public IReadOnlyList<int> AdditionallyPlacedByPriority => [.. Enumerable.Range(0, 3).Select(p => After.PlacedByPriority[p] - Before.PlacedByPriority[p])];

    /// <summary>The days the children placed thanks to the purchase have waited so far: waiting that ends now rather than later.</summary>
    public long WaitingDaysEnded => After.WaitingDaysOfPlaced - Before.WaitingDaysOfPlaced;

    /// <summary>Per norm (5 working days, 6 weeks, 3 months): how many fewer children stay without a place past it.</summary>
    public IReadOnlyList<int> PastNormPlaced => [.. Enumerable.Range(0, 3).Select(n => Before.UnplacedPastNorm[n] - After.UnplacedPastNorm[n])];
}
