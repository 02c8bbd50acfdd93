using Matchmaker.Silo.Data;
using Matchmaker.Silo.Live;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Api;
using Matchmaker.Web.Infrastructure;
using Matchmaker.Web.Pages.Requests;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Desk;

/// <summary>Register or edit a request for a child of the region: a pseudonymous case reference, never a name or BSN.</summary>
public sealed class RequestModel(Database database, Journal journal, LiveFeed feed, TimeProvider clock) : PageModel, IRequestFormPage
{
    [BindProperty] public RequestForm Form { get; set; } = new();
    [BindProperty(SupportsGet = true)] public Guid? Id { get; set; }

    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();
    public bool ChoosesRegion => false;
    public string CancelHref => "/tafel";
    public string? Conflict { get; private set; }
    public IReadOnlyList<MunicipalityOption> Municipalities { get; private set; } = [];
    public string? Status { get; private set; }

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
            Municipality = request.MunicipalityId ?? Municipalities.OrderBy(m => Math.Abs(m.Lat - request.HomeLat) + Math.Abs(m.Lon - request.HomeLon)).FirstOrDefault()?.Id,
            MaxDistanceKm = request.MaxDistanceKm, SiblingGroup = request.SiblingGroup, ChildWishes = request.ChildWishes, ParentWishes = request.ParentWishes,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await LoadMunicipalitiesAsync();
        var caller = Caller.Of(HttpContext);
        var home = Municipalities.FirstOrDefault(m => m.Id == Form.Municipality);
        var input = Form.ToInput(home);
        var outcome = Id is null
            ? await RequestsApi.RegisterAsync(caller, caller.RegionCode!, input, database, journal, feed, clock)
            : await RequestsApi.EditAsync(caller, caller.RegionCode!, Id.Value, input, database, journal, feed, clock);
        if (outcome.NotFound) return NotFound();
        if (outcome.Request is not null)
        {
            TempData["Message"] = Id is null ? $"Aanvraag {outcome.Request.CaseReference} is geregistreerd." : $"Aanvraag {outcome.Request.CaseReference} is bijgewerkt.";
            return Redirect("/tafel");
        }
        Errors = RequestForm.ErrorsOf(outcome, home);
        Conflict = outcome.Conflict;
        return Page();
    }

    private async Task LoadMunicipalitiesAsync() => Municipalities = await MunicipalityOption.ListAsync(database, Caller.Of(HttpContext).RegionCode);
}
