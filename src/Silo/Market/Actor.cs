namespace Matchmaker.Silo.Market;

/// <summary>Who does something: a person, a system (API client) or Matchmaker itself, with role, region and organisation.</summary>
[GenerateSerializer, Immutable, Alias("mm.Actor")]
public sealed record Actor([property: Id(0)] Guid? Id, [property: Id(1)] string Kind, [property: Id(2)] string Role,
    [property: Id(3)] string? RegionCode, [property: Id(4)] Guid? OrganisationId)
{
    public static readonly Actor System = new(null, "system", "system", null, null);
}

/// <summary>
/// The one shape of a refusal: a market rule stopped the change, or the thing is not there for this caller. Nothing was
/// changed. <see cref="Code"/> says which rule, <see cref="Field"/> which input it concerns (null: the request as a
/// whole), <see cref="Errors"/> the field errors of invalid input; the message is an English detail for systems.
/// It crosses grain calls as it is.
/// </summary>
[GenerateSerializer, Alias("mm.MarketRuleException")]
public sealed class MarketRuleException : Exception
{
    public MarketRuleException(RuleCode code, string detail, string? field = null, IReadOnlyDictionary<string, string[]>? errors = null) : base(detail)
    {
        Code = code;
        Field = field;
        Errors = errors;
    }

    [Id(0)] public RuleCode Code { get; private set; }
    [Id(1)] public string? Field { get; private set; }
    [Id(2)] public IReadOnlyDictionary<string, string[]>? Errors { get; private set; }

    public static MarketRuleException NotFound(string what) => new(RuleCode.NotFound, $"{what} does not exist or is not yours to see.");

    public static MarketRuleException Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        new(RuleCode.InvalidInput, "The input is not valid; see errors.", errors.Keys.FirstOrDefault(), errors);

    public static MarketRuleException Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });
}
