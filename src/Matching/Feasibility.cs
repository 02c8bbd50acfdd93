namespace Matchmaker.Matching;

/// <summary>The hard rules: may this child go to this place at all (capacity aside)?</summary>
public static class Feasibility
{
    /// <summary>The rules a place can fail, in the words used in explanations.</summary>
    public enum Rule { CareType, Secure, Age, Gender, Needs, Distance, Declined, AlreadyHeld, Region, Contract }

    /// <summary>The first rule the pair breaks, or null when the child may go there. Policy rules only when <paramref name="policy"/> forbids.</summary>
    public static Rule? FirstBroken(Request request, Place place, double distanceKm, AllocationPolicy policy)
    {
        if (BrokenIgnoringPolicy(request, place, distanceKm) is { } rule) return rule;
        return BrokenPolicy(request, place, policy);
    }

    public static Rule? BrokenIgnoringPolicy(Request request, Place place, double distanceKm)
    {
        if (BrokenByKind(request, place) is { } rule) return rule;
        if (distanceKm > request.MaxDistanceKm) return Rule.Distance;
        return BrokenByHistory(request, place);
    }

    /// <summary>The rules of the kind of place: care type, security, age, gender and needs (first of the order above).</summary>
    internal static Rule? BrokenByKind(Request request, Place place)
    {
        if (!string.Equals(request.CareType, place.CareType, StringComparison.Ordinal)) return Rule.CareType;
        // A secure place needs a court authorisation: a child without one is never put there, and a child with one needs it.
        if (request.NeedsSecure != place.Secure) return Rule.Secure;
        if (request.Age < place.MinAge || request.Age > place.MaxAge) return Rule.Age;
        if (!Contains(place.Genders, request.Gender)) return Rule.Gender;
        foreach (var need in request.Needs)
            if (!Contains(place.Specialisms, need)) return Rule.Needs;
        return null;
    }

    /// <summary>
    /// <see cref="BrokenByKind"/> for every pair of one market, worked out once per place and per child: the genders and
    /// specialisms become bits, so that the matcher, which asks it for every child and every nearby place of its kind of
    /// care, compares numbers instead of lists of strings. Whether a rule is broken, not which: the same answer as
    /// <see cref="BrokenByKind"/> is null (the care type is compared by the caller, which only asks about places of the
    /// child's kind). More than 64 specialisms or genders in one market: every pair is asked of <see cref="BrokenByKind"/>.
    /// </summary>
    internal sealed class KindTable
    {
        private readonly IReadOnlyList<Place> _places;
        private readonly bool[] _secure;
        private readonly int[] _minAge;
        private readonly int[] _maxAge;
        private readonly ulong[] _genders;
        private readonly ulong[] _specialisms;
        private readonly Dictionary<string, int> _genderBit = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _specialismBit = new(StringComparer.Ordinal);
        private readonly bool _asked;

        public KindTable(IReadOnlyList<Place> places)
        {
            _places = places;
            _secure = new bool[places.Count];
            _minAge = new int[places.Count];
            _maxAge = new int[places.Count];
            _genders = new ulong[places.Count];
            _specialisms = new ulong[places.Count];
            for (var p = 0; p < places.Count; p++)
            {
                (_secure[p], _minAge[p], _maxAge[p]) = (places[p].Secure, places[p].MinAge, places[p].MaxAge);
                _genders[p] = Bits(places[p].Genders, _genderBit);
                _specialisms[p] = Bits(places[p].Specialisms, _specialismBit);
            }
            _asked = _genderBit.Count > 64 || _specialismBit.Count > 64;
        }

        /// <summary>A child's side of the table: its gender's bit and its needs' bits (0 and false when no place offers one).</summary>
        public Child Of(Request request)
        {
            if (_asked) return new Child(request, 0, 0, Possible: true);
            var gender = _genderBit.TryGetValue(request.Gender, out var bit) ? 1UL << bit : 0;
            ulong needs = 0;
            foreach (var need in request.Needs)
            {
                if (!_specialismBit.TryGetValue(need, out var needBit)) return new Child(request, gender, 0, Possible: false);
                needs |= 1UL << needBit;
            }
            return new Child(request, gender, needs, Possible: gender != 0);
        }

        /// <summary>Whether the place (of the child's care type) breaks none of the kind rules for the child.</summary>
        public bool Fits(in Child child, int place)
        {
            if (_asked) return BrokenByKind(child.Request, _places[place]) is null;
            var request = child.Request;
            return child.Possible
                && request.NeedsSecure == _secure[place]
                && request.Age >= _minAge[place] && request.Age <= _maxAge[place]
                && (_genders[place] & child.Gender) != 0
                && (child.Needs & ~_specialisms[place]) == 0;
        }

        public readonly record struct Child(Request Request, ulong Gender, ulong Needs, bool Possible);

        private static ulong Bits(IReadOnlyList<string> names, Dictionary<string, int> bitOf)
        {
            ulong bits = 0;
            foreach (var name in names)
            {
                if (!bitOf.TryGetValue(name, out var bit)) bitOf[name] = bit = bitOf.Count;
                if (bit < 64) bits |= 1UL << bit;
            }
            return bits;
        }
    }

    /// <summary>The rules of this child's history with the place (last of the order above).</summary>
    internal static Rule? BrokenByHistory(Request request, Place place)
    {
        // The provider said no to this child here before: proposing it again would only repeat that answer.
        if (request.DeclinedPlaces is { Count: > 0 } declined && Contains(declined, place.Id)) return Rule.Declined;
        if (request.HeldPlaces is { Count: > 0 } held && Contains(held, place.Id)) return Rule.AlreadyHeld;
        return null;
    }

    public static Rule? BrokenPolicy(Request request, Place place, AllocationPolicy policy) => BrokenPolicy(request.RegionId, place, policy);

    /// <summary>The policy rules depend on the child only through its region.</summary>
    internal static Rule? BrokenPolicy(string childRegion, Place place, AllocationPolicy policy)
    {
        if (!policy.AllowOutOfRegion && !string.Equals(place.RegionId, childRegion, StringComparison.Ordinal)) return Rule.Region;
        if (!policy.AllowNonContracted && !Contains(place.ContractedBy, childRegion)) return Rule.Contract;
        return null;
    }

    private static bool Contains(IReadOnlyList<string> list, string value)
    {
        foreach (var item in list)
            if (string.Equals(item, value, StringComparison.Ordinal)) return true;
        return false;
    }
}
