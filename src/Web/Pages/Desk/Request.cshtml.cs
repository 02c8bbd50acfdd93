using System.Globalization;
using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Live;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Api;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Desk;

/// <summary>Register or edit a request for a child of the region: a pseudonymous case reference, never a name or BSN.</summary>
public sealed class RequestModel(Database database, Journal journal, LiveFeed feed, TimeProvider clock) : PageModel
{
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
        public int? MaxDistanceKm { get; set; } = 50;
        public string? SiblingGroup { get; set; }
        public string? ChildWishes { get; set; }
        public string? ParentWishes { get; set; }
    }

    public sealed class MunicipalityOption
    {
        public Guid Id { get; init; }
        public string Name { get; init; } = "";
        public double Lat { get; init; }
        public double Lon { get; init; }
    }

    [BindProperty] public RequestForm Form { get; set; } = new();
    [BindProperty(SupportsGet = true)] public Guid? Id { get; set; }

    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();
    public string? Conflict { get; private set; }
    public IReadOnlyList<MunicipalityOption> Municipalities { get; private set; } = [];
    public string? Status { get; private set; }

    /// <summary>The form field an error belongs to (the summary links there): the API's names, where the form differs.</summary>
    public static string FieldOf(string error) => error switch
    {
        "homeLat" or "homeLon" => "municipality",
        "needsSecure" => "careType",
        "needs" => "needs-error",
        _ => error,
    };

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadMunicipalitiesAsync();
        if (Id is null) return Page();
        var caller = Caller.Of(HttpContext);
        var request = await RequestsApi.ReadAsync(database, caller.RegionCode!, Id.Value, clock);
        if (request is null) return NotFound();
        await using (var connection = await database.OpenAsync())
            await journal.AuditAsync(connection, null, caller.ToActor(), "request-read", "request", request.Id.ToString(), caller.RegionCode, request.CaseReference);
        Status = request.Status;
        Form = new RequestForm
        {
            CaseReference = request.CaseReference, MeasureType = request.MeasureType, MeasureStart = request.MeasureStart.ToString("yyyy-MM-dd"),
            Urgency = request.Urgency, CareType = request.CareType, Needs = [.. request.Needs.Split(',', StringSplitOptions.RemoveEmptyEntries)],
            BirthMonth = request.BirthMonth.ToString("yyyy-MM"), Gender = request.Gender, HomePc4 = request.HomePc4,
            Municipality = Municipalities.OrderBy(m => Math.Abs(m.Lat - request.HomeLat) + Math.Abs(m.Lon - request.HomeLon)).FirstOrDefault()?.Id,
            MaxDistanceKm = request.MaxDistanceKm, SiblingGroup = request.SiblingGroup, ChildWishes = request.ChildWishes, ParentWishes = request.ParentWishes,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await LoadMunicipalitiesAsync();
        var caller = Caller.Of(HttpContext);
        var home = Municipalities.FirstOrDefault(m => m.Id == Form.Municipality);
        var input = new RequestsApi.RequestInput(
            Form.CaseReference?.Trim(), Form.MeasureType, DateOnly.TryParse(Form.MeasureStart, CultureInfo.InvariantCulture, out var start) ? start : null,
            Form.Urgency, Form.CareType, [.. Form.Needs], Form.CareType == Matching.CareTypes.Secure, Form.BirthMonth, Form.Gender, Form.HomePc4?.Trim(),
            home?.Lat, home?.Lon, Form.MaxDistanceKm, Form.SiblingGroup, Form.ChildWishes, Form.ParentWishes);
        var outcome = Id is null
            ? await RequestsApi.RegisterAsync(caller, caller.RegionCode!, input, database, journal, feed, clock)
            : await RequestsApi.EditAsync(caller, caller.RegionCode!, Id.Value, input, database, journal, feed, clock);
        if (outcome.NotFound) return NotFound();
        if (outcome.Request is not null)
        {
            TempData["Message"] = Id is null ? $"Aanvraag {outcome.Request.CaseReference} is geregistreerd." : $"Aanvraag {outcome.Request.CaseReference} is bijgewerkt.";
            return Redirect("/tafel");
        }
        var errors = new Dictionary<string, string[]>(outcome.Errors ?? new Dictionary<string, string[]>());
        if (home is null) errors["homeLat"] = ["Kies de gemeente waar het kind woont."];
        Errors = errors;
        Conflict = outcome.Conflict;
        return Page();
    }

    private async Task LoadMunicipalitiesAsync()
    {
        await using var connection = await database.OpenAsync();
        Municipalities = (await connection.QueryAsync<MunicipalityOption>(
            "SELECT id AS Id, name AS Name, lat AS Lat, lon AS Lon FROM municipalities WHERE region_code = @regionCode ORDER BY name",
            new { regionCode = Caller.Of(HttpContext).RegionCode })).ToList();
    }
}
