using System.Text.RegularExpressions;
using FluentValidation;
using Matchmaker.Matching;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Requests;

/// <summary>
/// A request as the desk registers or edits it. The child is a pseudonymous case reference: never a name or BSN.
/// The messages are Dutch: the desk's form shows them next to its fields.
/// </summary>
[GenerateSerializer, Immutable, Alias("mm.RequestInput")]
public sealed record RequestInput(
    [property: Id(0)] string? CaseReference, [property: Id(1)] string? MeasureType, [property: Id(2)] DateOnly? MeasureStart,
    [property: Id(3)] string? Urgency, [property: Id(4)] string? CareType, [property: Id(5)] string[]? Needs,
    [property: Id(6)] bool? NeedsSecure, [property: Id(7)] string? BirthMonth, [property: Id(8)] string? Gender,
    [property: Id(9)] string? HomePc4, [property: Id(10)] double? HomeLat, [property: Id(11)] double? HomeLon,
    [property: Id(12)] int? MaxDistanceKm, [property: Id(13)] string? SiblingGroup, [property: Id(14)] string? ChildWishes,
    [property: Id(15)] string? ParentWishes, [property: Id(16)] Guid? MunicipalityId = null)
{
    /// <summary>True when the field a validation error names (as the API names it) differs between the two; any name it does not know counts as different.</summary>
    public static bool Differs(string field, RequestInput a, RequestInput b) => field switch
    {
        "caseReference" => a.CaseReference != b.CaseReference,
        "measureType" => a.MeasureType != b.MeasureType,
        "measureStart" => a.MeasureStart != b.MeasureStart,
        "urgency" => a.Urgency != b.Urgency,
        "careType" => a.CareType != b.CareType,
        "needsSecure" => a.NeedsSecure != b.NeedsSecure,
        "birthMonth" => RequestInputValidator.ParseMonth(a.BirthMonth) != RequestInputValidator.ParseMonth(b.BirthMonth) || (RequestInputValidator.ParseMonth(a.BirthMonth) is null && a.BirthMonth != b.BirthMonth),
        "gender" => a.Gender != b.Gender,
        "homePc4" => a.HomePc4 != b.HomePc4,
        "homeLat" => a.HomeLat != b.HomeLat,
        "homeLon" => a.HomeLon != b.HomeLon,
        "maxDistanceKm" => a.MaxDistanceKm != b.MaxDistanceKm,
        "siblingGroup" => a.SiblingGroup != b.SiblingGroup,
        "childWishes" => a.ChildWishes != b.ChildWishes,
        "parentWishes" => a.ParentWishes != b.ParentWishes,
        _ => true,
    };

    /// <summary>An edit: the fields the patch gives replace these.</summary>
    public RequestInput With(RequestInput patch) => new(
        patch.CaseReference ?? CaseReference, patch.MeasureType ?? MeasureType, patch.MeasureStart ?? MeasureStart,
        patch.Urgency ?? Urgency, patch.CareType ?? CareType, patch.Needs ?? Needs, patch.NeedsSecure ?? NeedsSecure,
        patch.BirthMonth ?? BirthMonth, patch.Gender ?? Gender, patch.HomePc4 ?? HomePc4, patch.HomeLat ?? HomeLat,
        patch.HomeLon ?? HomeLon, patch.MaxDistanceKm ?? MaxDistanceKm, patch.SiblingGroup ?? SiblingGroup,
        patch.ChildWishes ?? ChildWishes, patch.ParentWishes ?? ParentWishes, patch.MunicipalityId ?? MunicipalityId);

    /// <summary>The fields as they are stored: needs sorted once each, the birth month as yyyy-mm, wishes never null.</summary>
    public RequestInput Normalized() => this with
    {
        Needs = [.. (Needs ?? []).Distinct().Order(StringComparer.Ordinal)],
        BirthMonth = RequestInputValidator.ParseMonth(BirthMonth)?.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture) ?? BirthMonth,
        ChildWishes = ChildWishes ?? "",
        ParentWishes = ParentWishes ?? "",
    };

    /// <summary>True when both hold the same fields as they would be stored.</summary>
    public bool SameAs(RequestInput other)
    {
        var (a, b) = (Normalized(), other.Normalized());
        return a with { Needs = b.Needs } == b && a.Needs!.SequenceEqual(b.Needs!);
    }
}

/// <summary>The shape of a request, judged by its owner (the request grain) before anything is written.</summary>
public sealed partial class RequestInputValidator : AbstractValidator<RequestInput>
{
    private readonly Func<DateOnly> _today;

    public RequestInputValidator(TimeProvider clock)
    {
        _today = () => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var today = _today;
        // One message per field: the first rule it breaks (an empty date is not also "in the future" and "too long ago").
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(x => x.CaseReference).NotEmpty().WithMessage("Vul het dossiernummer in.")
            .MaximumLength(40).WithMessage("Het dossiernummer is hoogstens 40 tekens.")
            .Must(reference => !LooksLikeBsn().IsMatch(reference ?? "") && !PlainText.HasBsn(reference)).WithMessage("Dit lijkt een BSN (8 of 9 cijfers). Gebruik het pseudonieme dossiernummer, nooit een BSN.")
            .Matches(@"^[A-Za-z0-9][A-Za-z0-9._/-]*\z").When(x => !string.IsNullOrEmpty(x.CaseReference), ApplyConditionTo.CurrentValidator)
            .WithMessage("Het dossiernummer bestaat uit letters, cijfers en . _ / - (geen namen, geen spaties).");
        RuleFor(x => x.MeasureType).NotEmpty().WithMessage("Kies de maatregel.")
            .Must(m => MeasureTypes.All.Contains(m!)).When(x => x.MeasureType is not null, ApplyConditionTo.CurrentValidator)
            .WithMessage(x => $"Maatregel '{x.MeasureType}' bestaat niet; kies uit {string.Join(", ", MeasureTypes.All.Order())}.");
        RuleFor(x => x.MeasureStart).NotNull().WithMessage("Vul de startdatum van de maatregel in.")
            .Must(d => d <= today()).WithMessage("De startdatum van de maatregel kan niet in de toekomst liggen.")
            .Must(d => d > today().AddYears(-18)).WithMessage("De startdatum van de maatregel ligt hoogstens 18 jaar terug.")
            .Must((x, d) => ParseMonth(x.BirthMonth) is not { } born || d >= born).WithMessage("De maatregel kan niet vóór de geboortemaand zijn begonnen.");
        RuleFor(x => x.Urgency).NotEmpty().WithMessage("Kies de urgentie.")
            .Must(u => Urgencies.All.Contains(u!)).When(x => x.Urgency is not null, ApplyConditionTo.CurrentValidator).WithMessage("De urgentie is crisis, urgent of regular.");
        RuleFor(x => x.CareType).NotEmpty().WithMessage("Kies de zorgvorm.")
            .Must(c => CareTypes.All.Contains(c!)).When(x => x.CareType is not null, ApplyConditionTo.CurrentValidator)
            .WithMessage(x => $"Zorgvorm '{x.CareType}' bestaat niet; kies uit {string.Join(", ", CareTypes.All.Order())}.");
        RuleForEach(x => x.Needs).Must(n => Specialisms.All.Contains(n))
            .WithMessage((_, need) => $"Zorgbehoefte '{need}' bestaat niet; kies uit {string.Join(", ", Specialisms.All)}.");
        RuleFor(x => x.NeedsSecure).Equal(x => x.CareType == CareTypes.Secure).When(x => x.CareType is not null && x.NeedsSecure is not null)
            .WithMessage("needsSecure is waar als de zorgvorm gesloten jeugdhulp (secure) is, en alleen dan.");
        RuleFor(x => x.MeasureType).Equal(MeasureTypes.SecureCareAuthorisation).When(x => x.NeedsSecure == true)
            .WithMessage("Gesloten jeugdhulp kan alleen met een machtiging gesloten jeugdhulp van de rechter: kies die maatregel.");
        RuleFor(x => x.BirthMonth).NotEmpty().WithMessage("Vul de geboortemaand in (jjjj-mm).")
            .Must(b => ParseMonth(b) is { } month && month <= today() && month > today().AddYears(-24))
            .When(x => !string.IsNullOrEmpty(x.BirthMonth), ApplyConditionTo.CurrentValidator).WithMessage("De geboortemaand is een maand (jjjj-mm) in de laatste 24 jaar, niet in de toekomst.");
        RuleFor(x => x.Gender).NotEmpty().WithMessage("Kies het gender.")
            .Must(g => g is "f" or "m" or "x").When(x => x.Gender is not null, ApplyConditionTo.CurrentValidator).WithMessage("Het gender is f, m of x.");
        // Who a measure or a care type can be for (one table, Eligibility): judged once the fields it compares are sound on their own.
        RuleFor(x => x.MeasureType).Must((x, measure) => Eligibility.MeasureFits(measure!, AgeAtStart(x)))
            .When(x => MeasureTypes.All.Contains(x.MeasureType ?? "") && AgeAtStart(x) >= 0)
            .WithMessage(x => x.MeasureType == MeasureTypes.JuvenileProbation
                ? $"Jeugdreclassering is voor jongeren van 12 tot en met 23 jaar bij de start van de maatregel; dit kind was toen {AgeAtStart(x)}."
                : $"Deze maatregel is voor minderjarigen: het kind was bij de start van de maatregel {AgeAtStart(x)} jaar. Vanaf 18 jaar kan alleen jeugdreclassering.");
        RuleFor(x => x.CareType).Must((x, care) => Eligibility.CareTypeFitsAge(care!, AgeToday(x)))
            .When(x => CareTypes.All.Contains(x.CareType ?? "") && AgeToday(x) >= 0)
            .WithMessage(x => $"{CareTypes.DutchName(x.CareType!)} is voor jongeren vanaf {Eligibility.CareTypeAges[x.CareType!].From} jaar; dit kind is {AgeToday(x)}.");
        RuleFor(x => x.Gender).Must((x, gender) => Eligibility.CareTypeFitsGender(x.CareType!, gender!))
            .When(x => CareTypes.All.Contains(x.CareType ?? "") && x.Gender is "f" or "m" or "x")
            .WithMessage(x => $"{CareTypes.DutchName(x.CareType!)} is voor een jonge moeder: het gender is dan {Eligibility.CareTypeGender[x.CareType!]}.");
        RuleFor(x => x.HomePc4).NotEmpty().WithMessage("Vul het postcodegebied in.")
            .Matches(@"^[1-9][0-9]{3}\z").When(x => x.HomePc4 is not null, ApplyConditionTo.CurrentValidator).WithMessage("Het postcodegebied is de vier cijfers van een Nederlandse postcode.");
        RuleFor(x => x.HomeLat).NotNull().WithMessage("Kies de woongemeente (homeLat en homeLon).").InclusiveBetween(50.5, 53.8).WithMessage("De woonplek ligt in Nederland (homeLat tussen 50,5 en 53,8).");
        RuleFor(x => x.HomeLon).NotNull().WithMessage("Kies de woongemeente (homeLat en homeLon).").InclusiveBetween(3.2, 7.3).WithMessage("De woonplek ligt in Nederland (homeLon tussen 3,2 en 7,3).");
        RuleFor(x => x.MaxDistanceKm).NotNull().WithMessage("Vul de maximale afstand in.").InclusiveBetween(1, 400).WithMessage("De maximale afstand ligt tussen 1 en 400 km.");
        RuleFor(x => x.SiblingGroup).Plain().WithName("De broers/zussen-code");
        RuleFor(x => x.SiblingGroup).MaximumLength(SiblingGroups.MaxLength).WithMessage($"De broers/zussen-code is hoogstens {SiblingGroups.MaxLength} tekens.");
        RuleFor(x => x.ChildWishes).Plain().WithName("De tekst bij de wensen van het kind");
        RuleFor(x => x.ChildWishes).MaximumLength(2000).WithMessage("De wensen van het kind zijn hoogstens 2000 tekens.");
        RuleFor(x => x.ParentWishes).Plain().WithName("De tekst bij de wensen van de ouders");
        RuleFor(x => x.ParentWishes).MaximumLength(2000).WithMessage("De wensen van de ouders zijn hoogstens 2000 tekens.");
    }

    /// <summary>The child's age at the measure's start: negative when it started before the birth month (the start's own rule refuses that), -1 when either is missing.</summary>
    private static int AgeAtStart(RequestInput x) =>
        ParseMonth(x.BirthMonth) is { } born && x.MeasureStart is { } start ? Eligibility.AgeAt(born, start) : -1;

    private int AgeToday(RequestInput x) =>
        ParseMonth(x.BirthMonth) is { } born && born <= _today() ? Eligibility.AgeAt(born, _today()) : -1;

    [GeneratedRegex(@"^[0-9]{8,9}\z")]
    private static partial Regex LooksLikeBsn();

    /// <summary>
    /// A month as the form sends it (yyyy-mm), or as a read gives it back (yyyy-mm-01, the month's first day), so a system
    /// can send back what it read. Any other day is refused: the request keeps a birth month, never a birth date.
    /// </summary>
    public static DateOnly? ParseMonth(string? month) =>
        DateOnly.TryParseExact(month?.Length == 7 ? $"{month}-01" : month, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out var date) && date.Day == 1 ? date : null;
}
