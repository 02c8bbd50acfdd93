namespace Matchmaker.Matching;

/// <summary>An age range in whole years, both ends included.</summary>
public readonly record struct AgeRange(int From, int To)
{
    public bool Contains(int age) => From <= age && age <= To;
}

/// <summary>
/// Which children a measure or a care type can be for at all: the few bands the law or the care itself sets, one table
/// that both the request's validator and the demo generator read, so a refused child cannot be seeded either.
/// Deliberately minimal: only what a desk would call impossible, never a provider's own intake policy (an offering's
/// ages and genders already say that).
/// </summary>
public static class Eligibility
{
    /// <summary>The oldest a child in youth care can be: verlengde jeugdhulp and jeugdreclassering end at 23.</summary>
    public const int OldestAge = 23;

    /// <summary>
    /// The ages at a measure's start. Child-protection measures (OTS, voorlopige OTS, voogdij, machtiging uithuisplaatsing,
    /// machtiging gesloten jeugdhulp) are for minors (Boek 1 BW: they end by law at 18). Jeugdreclassering is for ages
    /// 12 (the age of criminal responsibility) to 23 (adolescentenstrafrecht).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, AgeRange> MeasureAgesAtStart = new Dictionary<string, AgeRange>
    {
        [MeasureTypes.Supervision] = new(0, 17),
        [MeasureTypes.ProvisionalSupervision] = new(0, 17),
        [MeasureTypes.Guardianship] = new(0, 17),
        [MeasureTypes.OutOfHomePlacement] = new(0, 17),
        [MeasureTypes.SecureCareAuthorisation] = new(0, 17),
        [MeasureTypes.JuvenileProbation] = new(12, OldestAge),
    };

    /// <summary>
    /// The ages (now) of the care types that fit only older children: a moeder-kindhuis takes a young mother, forensic
    /// care follows an offence (criminal responsibility starts at 12), addiction care is for adolescents. Other care
    /// types are for any child, and are not listed.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, AgeRange> CareTypeAges = new Dictionary<string, AgeRange>
    {
        [CareTypes.MotherAndChildHome] = new(12, OldestAge),
        [CareTypes.Forensic] = new(12, OldestAge),
        [CareTypes.Addiction] = new(12, OldestAge),
    };

    /// <summary>The one care type for one gender: a moeder-kindhuis is for a (young) mother with her child.</summary>
    public static readonly IReadOnlyDictionary<string, string> CareTypeGender = new Dictionary<string, string>
    {
        [CareTypes.MotherAndChildHome] = "f",
    };

    /// <summary>
    /// Full years from a birth month to a date. Only the month is known, so the child counts as having its birthday on
    /// the month's first day (the oldest it can be): a measure for a minor is then never accepted for an adult.
    /// </summary>
    public static int AgeAt(DateOnly birthMonth, DateOnly date) =>
        date.Year - birthMonth.Year - (date.Month < birthMonth.Month ? 1 : 0);

    /// <summary>True when the measure can start for a child of this age (an unknown measure is the validator's other rule).</summary>
    public static bool MeasureFits(string measureType, int ageAtStart) =>
        !MeasureAgesAtStart.TryGetValue(measureType, out var ages) || ages.Contains(ageAtStart);

    /// <summary>True when the care type can be for a child of this age.</summary>
    public static bool CareTypeFitsAge(string careType, int age) =>
        !CareTypeAges.TryGetValue(careType, out var ages) || ages.Contains(age);

    /// <summary>True when the care type can be for a child of this gender.</summary>
    public static bool CareTypeFitsGender(string careType, string gender) =>
        !CareTypeGender.TryGetValue(careType, out var only) || only == gender;
}
