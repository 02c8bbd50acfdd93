using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Silo.Offerings;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Provider;

/// <summary>Incoming proposals (holds) with what the provider needs to decide, and no identity: accept with a start date, or decline with a reason.</summary>
public sealed class ProposalsModel(HoldCommands commands, HoldReads holds, TimeProvider clock) : PageModel
{
    public IReadOnlyList<HoldReads.HoldSummary> Proposals { get; private set; } = [];
    public string? Error { get; private set; }

    /// <summary>The proposal whose answer was refused, the field the error belongs beside (start, reason, note) and what was sent.</summary>
    public Guid? FailedHold { get; private set; }
    public string? FailedField { get; private set; }
    public string? SentReason { get; private set; }
    public string? SentNote { get; private set; }
    public DateOnly? SentStart { get; private set; }

    public string? ErrorBeside(Guid holdId, string field) => FailedHold == holdId && FailedField == field ? Error : null;
    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>How long until a hold expires, in words ("nog 1 dag en 3 uur", "nog 40 minuten", "verlopen").</summary>
    public string TimeLeft(DateTimeOffset expiresAt)
    {
        var left = expiresAt - Now;
        if (left <= TimeSpan.Zero) return "verlopen";
        if (left.TotalHours < 1) return $"nog {Math.Max(1, (int)left.TotalMinutes)} {((int)left.TotalMinutes <= 1 ? "minuut" : "minuten")}";
        var (days, hours) = ((int)left.TotalDays, left.Hours);
        var dayWords = days == 0 ? "" : days == 1 ? "1 dag" : $"{days} dagen";
        var hourWords = hours == 0 ? "" : hours == 1 ? "1 uur" : $"{hours} uur";
        return "nog " + string.Join(" en ", new[] { dayWords, hourWords }.Where(w => w.Length > 0));
    }

    public async Task OnGetAsync() => await LoadAsync();

    /// <summary>"Wijzigen" on the check step comes back with the proposal and the date chosen there, so the form shows that date again.</summary>
    [BindProperty(SupportsGet = true, Name = "voorstel")] public Guid? ChangingHold { get; set; }

    [BindProperty(SupportsGet = true, Name = "startdatum")] public DateOnly? ChangingStartDate { get; set; }

    public DateOnly? ChangingStart(Guid holdId) => ChangingHold == holdId ? ChangingStartDate : null;

    /// <summary>The proposal being accepted and its start date, shown to check before the binding accept (GOV.UK check your answers).</summary>
    public HoldReads.HoldSummary? ToAccept { get; private set; }

    /// <summary>
    /// Accepting binds the provider, so it takes two posts: the first (from the proposal) shows what will be accepted,
    /// the second ("Bevestigen", with <paramref name="confirmed"/>) accepts. Both run the same start-date check first.
    /// </summary>
    public async Task<IActionResult> OnPostAcceptAsync(Guid holdId, string? startDate, bool confirmed)
    {
        var start = DateField.Read(startDate);
        (FailedHold, SentStart) = (holdId, start);
        if (string.IsNullOrWhiteSpace(startDate)) return await FailAsync("start", "Vul een startdatum in.");
        if (start is null) return await FailAsync("start", "Vul een startdatum in die bestaat.");
        if (!confirmed)
        {
            ToAccept = await holds.FindAsync(Caller.Of(HttpContext).ToActor(), holdId);
            if (ToAccept is null || ToAccept.Status != "active") return await FailAsync("start", "Dit voorstel bestaat niet (meer).");
            return Page();
        }
        try
        {
            await commands.AcceptAsync(Caller.Of(HttpContext).ToActor(), holdId, start.Value, null);
            TempData["Message"] = $"Geaccepteerd: het kind start op {start:dd-MM-yyyy}.";
            return Redirect("/aanbieder/voorstellen");
        }
        catch (MarketRuleException e) when (e.Code == RuleCode.StartBeforeMeasure)
        {
            return await FailAsync("start", "De startdatum ligt vóór de start van de maatregel van het kind; een plaatsing kan niet eerder beginnen.");
        }
        catch (MarketRuleException e) when (e.Field == "startDate")
        {
            return await FailAsync("start", $"De startdatum ligt tussen {Today.AddDays(-90):dd-MM-yyyy} en {Today.AddYears(1):dd-MM-yyyy}.");
        }
        catch (MarketRuleException e)
        {
            return await FailAsync("start", e.Code == RuleCode.NotFound ? "Dit voorstel bestaat niet (meer)." : $"Niet gelukt: {Dutch.Refusal(e.Code)}.");
        }
    }

    public async Task<IActionResult> OnPostDeclineAsync(Guid holdId, string? reason, string? note)
    {
        (FailedHold, SentReason, SentNote) = (holdId, reason, note);
        if (reason is null || !Answers.DeclineReasons.Contains(reason)) return await FailAsync("reason", "Kies een reden om af te wijzen.");
        if (reason == "other" && string.IsNullOrWhiteSpace(note)) return await FailAsync("note", "Licht de reden 'Anders' toe.");
        try
        {
            await commands.DeclineAsync(Caller.Of(HttpContext).ToActor(), holdId, reason, note, null);
            TempData["Message"] = "Afgewezen; de plek is weer vrij.";
            return Redirect("/aanbieder/voorstellen");
        }
        catch (MarketRuleException e) when (e.Code == RuleCode.InvalidInput && e.Errors?.ContainsKey("note") == true)
        {
            return await FailAsync("note", PlainText.DutchProblemWith(note, "De toelichting") ?? $"De toelichting is hoogstens {Answers.MaxNoteLength} tekens.");
        }
        catch (MarketRuleException e)
        {
            return await FailAsync(e.Field == "note" ? "note" : "reason",
                e.Code == RuleCode.NotFound ? "Dit voorstel bestaat niet (meer)." : $"Niet gelukt: {Dutch.Refusal(e.Code)}.");
        }
    }

    private async Task<IActionResult> FailAsync(string field, string message)
    {
        (FailedField, Error) = (field, message);
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync() =>
        Proposals = await holds.ListAsync(Caller.Of(HttpContext).ToActor(), "active");
}
