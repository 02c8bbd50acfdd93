using Matchmaker.Silo.Regions;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Silo.Requests;
using Matchmaker.Web.Infrastructure;
using Matchmaker.Web.Pages.Requests;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Desk;

/// <summary>Register or edit a request for a child of the region: a pseudonymous case reference, never a name or BSN.</summary>
public sealed class RequestModel(Municipalities municipalities, RequestReads reads, IGrainFactory grains) : PageModel, IRequestFormPage
{
    [BindProperty] public RequestForm Form { get; set; } = new();
    [BindProperty(SupportsGet = true)] public Guid? Id { get; set; }

    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();
    public bool ChoosesRegion => false;
    public string CancelHref => "/tafel";
    public string? Conflict { get; private set; }
    public IReadOnlyList<MunicipalityOption> Municipalities { get; private set; } = [];
    public string? Status { get; private set; }
    public string? ReopenHref { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadMunicipalitiesAsync();
        if (Id is null) return Page();
        var caller = Caller.Of(HttpContext);
        var request = await reads.ReadAuditedAsync(caller.ToActor(), caller.RegionCode!, Id.Value);
        if (request is null) return NotFound();
        Status = request.Status;
        Form = new RequestForm
        {
            CaseReference = request.CaseReference, MeasureType = request.MeasureType, MeasureStart = request.MeasureStart.ToString("yyyy-MM-dd"),
            Urgency = request.Urgency, CareType = request.CareType, Needs = [.. request.Needs.Split(',', StringSplitOptions.RemoveEmptyEntries)],
            BirthMonth = request.BirthMonth.ToString("yyyy-MM"), Gender = request.Gender, HomePc4 = request.HomePc4,
            Municipality = request.MunicipalityId ?? Municipalities.OrderBy(m => Math.Abs(m.Lat - request.HomeLat) + Math.Abs(m.Lon - request.HomeLon)).FirstOrDefault()?.Id,
            MaxDistanceKm = request.MaxDistanceKm.ToString(System.Globalization.CultureInfo.InvariantCulture), SiblingGroup = request.SiblingGroup, ChildWishes = request.ChildWishes, ParentWishes = request.ParentWishes,
            EditTag = request.EditTag,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await LoadMunicipalitiesAsync();
        var caller = Caller.Of(HttpContext);
        var home = Municipalities.FirstOrDefault(m => m.Id == Form.Municipality);
        if (Form.Unreadable(editing: Id is not null) is { Count: > 0 } unreadable)
        {
            Errors = unreadable;
            return Page();
        }
        // An edit form without the tag of what it showed (opened before tags were sent, or cut short) cannot say whether
        // someone changed the request since: what it would write back might undo their change.
        if (Id is not null && string.IsNullOrWhiteSpace(Form.EditTag))
        {
            AskToReopen("Dit formulier is niet volledig aangekomen, dus we kunnen niet nagaan of de aanvraag intussen is gewijzigd.");
            return Page();
        }
        var input = Form.ToInput(home);
        var owner = grains.Request(caller.RegionCode!, Id ?? Guid.NewGuid());
        try
        {
            if (Id is null) await owner.Register(caller.ToActor(), input);
            else await owner.Edit(caller.ToActor(), input, [Form.EditTag!.Trim()]);
            TempData["Message"] = Id is null ? $"Aanvraag {input.CaseReference} is geregistreerd." : $"Aanvraag {input.CaseReference} is bijgewerkt.";
            return Redirect("/tafel");
        }
        catch (MarketRuleException refusal) when (refusal.Code == RuleCode.NotFound)
        {
            return NotFound();
        }
        catch (MarketRuleException refusal) when (refusal.Code == RuleCode.RequestEditedMeanwhile)
        {
            AskToReopen(Dutch.Sentence(Dutch.Refusal(refusal.Code)));
        }
        catch (MarketRuleException refusal) when (refusal.Code is RuleCode.RequestNotOpen or RuleCode.RequestChanged)
        {
            Conflict = Dutch.Sentence(Dutch.Refusal(refusal.Code));
            Errors = RequestForm.ErrorsOf(null, home);
        }
        catch (MarketRuleException refusal)
        {
            Errors = RequestForm.ErrorsOf(refusal, home);
        }
        return Page();
    }

    /// <summary>Nothing was saved, and the form cannot be saved as it is: the desk reads the request again.</summary>
    private void AskToReopen(string why)
    {
        Conflict = why;
        ReopenHref = $"/tafel/aanvraag/{Id}";
        Errors = new Dictionary<string, string[]>();
    }

    private async Task LoadMunicipalitiesAsync() => Municipalities = await municipalities.ListAsync(Caller.Of(HttpContext).RegionCode);
}
