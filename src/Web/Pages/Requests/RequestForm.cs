using System.Globalization;
using Matchmaker.Silo.Market;
using Matchmaker.Silo.Regions;
using Matchmaker.Silo.Requests;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Pages.Requests;

/// <summary>The request form as the desk and the caseworker fill it in: the same fields, the same Dutch errors.</summary>
public sealed class RequestForm
{
    public string? CaseReference { get; set; }
    public string? MeasureType { get; set; }
    public string? MeasureStart { get; set; }
    public string? Urgency { get; set; }
    public string? CareType { get; set; }
    public List<string> Needs { get; set; } = [];
    public string? BirthMonth { get; set; }
    public string? Gender { get; set; }
    public string? HomePc4 { get; set; }
    public Guid? Municipality { get; set; }
    public string? MaxDistanceKm { get; set; } = "50";
    public string? SiblingGroup { get; set; }
    public string? ChildWishes { get; set; }
    public string? ParentWishes { get; set; }
    /// <summary>The request's edit tag when the edit form was opened (a hidden field): the edit applies only while the fields are as shown.</summary>
    public string? EditTag { get; set; }

    public RequestInput ToInput(MunicipalityOption? home) => new(
        CaseReference?.Trim(), MeasureType, StartDate, Urgency, CareType, [.. Needs], CareType == Matching.CareTypes.Secure, BirthMonth, Gender,
        HomePc4?.Trim(), home?.Lat, home?.Lon, Kilometres, SiblingGroup, ChildWishes, ParentWishes, home?.Id);

    /// <summary>
    /// Fields whose text is no value at all (a date that does not exist, a distance that is no whole number), and on an
    /// edit the date and distance left empty (a browser sends an empty field for what it cannot read). The page cannot
    /// bind them, so it refuses them beside their fields and sends nothing: the engine would take them for fields left
    /// empty, and an edit keeps a field left empty.
    /// </summary>
    public Dictionary<string, string[]> Unreadable(bool editing)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(MeasureStart) ? editing : StartDate is null)
            errors["measureStart"] = ["Vul een startdatum van de maatregel in die bestaat."];
        if (string.IsNullOrWhiteSpace(MaxDistanceKm) ? editing : Kilometres is null)
            errors["maxDistanceKm"] = ["Vul de maximale afstand in als een heel aantal kilometers."];
        return errors;
    }

    private DateOnly? StartDate => DateField.Read(MeasureStart);

    private int? Kilometres =>
        int.TryParse(MaxDistanceKm?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var kilometres) ? kilometres : null;

    /// <summary>The form field an error belongs to (the summary links there): the API's names, where the form differs.</summary>
    public static string FieldOf(string error) => error switch
    {
        "homeLat" or "homeLon" => "municipality",
        "needsSecure" => "careType",
        "needs" => "needs-error",
        _ => error,
    };

    /// <summary>The errors of a refused write beside their fields, with the home municipality's own message when none was chosen.</summary>
    public static Dictionary<string, string[]> ErrorsOf(MarketRuleException? refusal, MunicipalityOption? home)
    {
        var errors = refusal is null ? [] : Dutch.FieldErrors(refusal, "caseReference");
        if (home is null)
        {
            // Both coordinates come from the one municipality field: one message for it, not one per coordinate.
            errors.Remove("homeLon");
            errors["homeLat"] = ["Kies de gemeente waar het kind woont."];
        }
        return errors;
    }
}

/// <summary>What the shared request form needs of the page that shows it.</summary>
public interface IRequestFormPage
{
    RequestForm Form { get; }
    Guid? Id { get; }
    string? Status { get; }
    string? Conflict { get; }
    IReadOnlyDictionary<string, string[]> Errors { get; }
    IReadOnlyList<MunicipalityOption> Municipalities { get; }
    /// <summary>True when the municipalities of several regions are offered (grouped per region).</summary>
    bool ChoosesRegion { get; }
    string CancelHref { get; }
    /// <summary>Where the request is read again, when someone else changed it after this form was opened.</summary>
    string? ReopenHref => null;
    string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;
}
