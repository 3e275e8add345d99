"""The coordinator's matching pages: needs, ranked candidates, proposals, answers and engagements."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from meister import signed_links
from meister.scoping import acts_for_company, get_for_user, may_change, may_create, save_in_scope, visible_to
from meister.validators import plain_int
from partners import selectors
from partners.forms.matching import AnswerForm, ExchangeReplyForm, FeedbackForm, NeedForm, ProposalForm, RankingForm
from partners.matching import FACTORS, rank_candidates
from partners.models import Company, Engagement, NeedStatus, Proposal, ProposalStatus, SchoolNeed
from partners.services import matching as services


def _need(user, pk, *, change=False) -> SchoolNeed:
    needs = SchoolNeed.objects.select_related("school", "school__prefecture", "department", "industry")
    return get_for_user(user, needs, change=change, pk=pk)


@login_required
def need_list(request):
    needs = visible_to(SchoolNeed.objects.select_related("school"), request.user)
    status = request.GET.get("status")
    if status in NeedStatus.values:
        needs = needs.filter(status=status)
    if request.GET.get("proposal") == "none":
        needs = selectors.without_proposal(needs)
    page = Paginator(needs, 50).get_page(request.GET.get("page"))
    labels = [dict(NeedStatus.choices).get(status, "")]
    if request.GET.get("proposal") == "none":
        labels.append(_("まだどの企業にも依頼していない"))
    context = {
        "page": page,
        "may_create": may_create(request.user, SchoolNeed),
        "filter_label": " / ".join(str(label) for label in labels if label),
    }
    return render(request, "partners/need_list.html", context)


@login_required
def need_create(request):
    if not may_create(request.user, SchoolNeed):
        raise PermissionDenied
    need = SchoolNeed(created_by=request.user)
    form = NeedForm(request.POST or None, instance=need, user=request.user)
    if request.method == "POST" and form.is_valid():
        if save_in_scope(form, lambda: services.need_save(user=request.user, need=form.save(commit=False))):
            messages.success(request, _("ニーズを登録しました。"))
            return redirect(need)
    return render(request, "partners/edit.html", {"form": form, "object": None, "kind": _("学校のニーズ")})


@login_required
def need_detail(request, pk):
    need = _need(request.user, pk)
    proposals = visible_to(need.proposals.select_related("company"), request.user)
    context = {
        "need": need,
        "proposals": proposals,
        "engagements": visible_to(need.engagements.select_related("company"), request.user),
        "can_match": may_change(request.user, Proposal(need=need)),
    }
    return render(request, "partners/need_detail.html", context)


@login_required
def need_candidates(request, pk):
    need = _need(request.user, pk)
    if not may_change(request.user, Proposal(need=need)):
        raise PermissionDenied
    ranking = RankingForm(request.GET or None)
    options = ranking.options()
    candidates = rank_candidates(user=request.user, need=need, **options)
    proposal_form = ProposalForm(initial={"message": services.default_message(need)})
    # When the filters leave nobody new to ask, say so, and offer the same ranking without the filters.
    only_asked = bool(candidates) and all(c.already_proposed for c in candidates)
    narrowed = options["only_with_offer"] or options["same_prefecture"]
    widen = None
    if (only_asked or not candidates) and narrowed:
        query = request.GET.copy()
        query["only_with_offer"] = ""
        query["same_prefecture"] = ""
        for factor, weight in options["weights"].items():
            query.setdefault(f"w_{factor}", str(weight))
        widen = f"?{query.urlencode()}"
    return render(
        request,
        "partners/need_candidates.html",
        {
            "need": need,
            "ranking": ranking,
            "candidates": candidates,
            "factors": FACTORS,
            "proposal_form": proposal_form,
            "only_asked": only_asked,
            "widen": widen,
        },
    )


@login_required
def need_propose(request, pk):
    need = _need(request.user, pk)
    if not may_change(request.user, Proposal(need=need)):
        raise PermissionDenied
    if request.method != "POST":
        return redirect("partners:need_candidates", pk=need.pk)
    form = ProposalForm(request.POST)
    ids = [i for i in map(plain_int, request.POST.getlist("company")) if i]
    companies = list(visible_to(Company.objects.filter(pk__in=ids), request.user))
    if not companies:
        messages.error(request, _("依頼する企業を選んでください。"))
    elif form.is_valid():
        try:
            sent = services.proposals_send(
                user=request.user, need=need, companies=companies, message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(n)s社に依頼を送りました。") % {"n": len(sent)})
            for proposal in sent:
                if proposal.over_capacity:
                    messages.warning(
                        request,
                        _(
                            "%(company)sの受入れ可能人数（%(limit)s人）を超える依頼です。人数の相談があるかもしれません。"
                        )
                        % {"company": proposal.company.name, "limit": proposal.company.max_students},
                    )
            # The mails went out as the proposals were committed; a refused one is sent again by the beat job.
            unmailed = (
                Proposal.objects.filter(pk__in=[p.pk for p in sent], mailed_at__isnull=True).exclude(sent_to="").count()
            )
            if unmailed:
                messages.warning(
                    request, _("%(n)s社にはメールを送れませんでした。後で自動的に送り直します。") % {"n": unmailed}
                )
            return redirect(need)
    else:
        messages.error(request, _("企業へのメッセージを入力してください。"))
    return redirect("partners:need_candidates", pk=need.pk)


def _answer(request, proposal, *, answered_by_default="", template="partners/proposal_answer.html", base=None):
    form = AnswerForm(request.POST or None, initial={"name": answered_by_default})
    status = 200
    if request.method == "POST" and proposal.status == ProposalStatus.SENT and form.is_valid():
        data = form.cleaned_data
        try:
            _answer_with(proposal, data)
        except ValidationError as error:
            form.add_error(None, error)
            status = 400
        else:
            proposal.refresh_from_db()
    elif request.method == "POST" and proposal.status == ProposalStatus.SENT:
        status = 400
    context = {
        "proposal": proposal,
        "need": proposal.need,
        "form": form,
        "base": base,
        "exchanges": proposal.exchanges.all(),
    }
    return render(request, template, context, status=status)


def _answer_with(proposal, data):
    answer, name = data["answer"], data["name"]
    if answer == "question":
        return services.proposal_ask(proposal=proposal, text=data["text"], answered_by=name)
    if answer == "counter":
        terms = {key: data[key] for key in ("start_on", "end_on", "students")}
        return services.proposal_counter(proposal=proposal, text=data["text"], answered_by=name, **terms)
    return services.proposal_answer(
        proposal=proposal, accept=answer == "accept", reason=data["reason"], answered_by=name
    )


@login_required
def proposal_detail(request, pk):
    """The coordinator's view of one proposal: the exchanges with the company, and the counter-proposal to accept
    or answer."""
    proposal = get_for_user(
        request.user, Proposal.objects.select_related("need", "need__school", "company", "sent_by"), pk=pk
    )
    can_reply = may_change(request.user, proposal)
    form = ExchangeReplyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_reply:
            raise PermissionDenied
        try:
            if request.POST.get("action") == "accept_counter":
                services.proposal_accept_counter(user=request.user, proposal=proposal)
                messages.success(request, _("企業の提案を受け入れ、連携活動を登録しました。"))
                return redirect(proposal.need)
            if form.is_valid():
                services.proposal_reply(user=request.user, proposal=proposal, text=form.cleaned_data["text"])
                messages.success(request, _("企業に回答を送りました。"))
                return redirect("partners:proposal_detail", pk=proposal.pk)
        except ValidationError as error:
            form.add_error(None, error)
        status = 400
    context = {
        "proposal": proposal,
        "need": proposal.need,
        "exchanges": proposal.exchanges.all(),
        "counter": proposal.counter,
        "form": form,
        "can_reply": can_reply and proposal.status in (ProposalStatus.QUESTION, ProposalStatus.COUNTERED),
    }
    return render(request, "partners/proposal_detail.html", context, status=status)


@never_cache
def proposal_answer_link(request, token):
    """The company's answer through the emailed link: no account, the signed link is the permission."""
    try:
        proposal = services.proposal_from_token(token)
    except signed_links.BadLink as error:
        return signed_links.refused(request, error, services.ANSWER_LINK)
    return _answer(request, proposal, base="base_public.html")


@login_required
def proposal_list(request):
    proposals = visible_to(Proposal.objects.select_related("need", "need__school", "company"), request.user)
    status = request.GET.get("status")
    if status in selectors.PROPOSAL_FILTERS:
        proposals = proposals.filter(status__in=selectors.PROPOSAL_FILTERS[status])
    page = Paginator(proposals, 50).get_page(request.GET.get("page"))
    label = selectors.proposal_filter_label(status) if status in selectors.PROPOSAL_FILTERS else ""
    return render(request, "partners/proposal_list.html", {"page": page, "filter_label": label})


@login_required
def proposal_answer(request, pk):
    proposal = get_for_user(request.user, Proposal.objects.select_related("need", "need__school", "company"), pk=pk)
    if not acts_for_company(request.user, proposal.company_id):
        raise PermissionDenied  # only the company itself answers
    return _answer(request, proposal, answered_by_default=request.user.get_full_name(), base="base.html")


@login_required
def engagement_list(request):
    engagements = visible_to(Engagement.objects.select_related("school", "company"), request.user)
    page = Paginator(engagements, 50).get_page(request.GET.get("page"))
    return render(request, "partners/engagement_list.html", {"page": page})


@login_required
def engagement_detail(request, pk):
    engagement = get_for_user(request.user, Engagement.objects.select_related("school", "company", "need"), pk=pk)
    form = None
    if may_change(request.user, engagement):
        form = FeedbackForm(request.POST or None, instance=engagement)
        if request.method == "POST" and form.is_valid():
            saved = save_in_scope(
                form,
                lambda: services.engagement_feedback(
                    user=request.user,
                    engagement=engagement,
                    would_host_again=form.cleaned_data["would_host_again"],
                    feedback=form.cleaned_data["feedback"],
                ),
            )
            if saved:
                messages.success(request, _("振り返りを保存しました。"))
                return redirect(engagement)
    elif request.method == "POST":
        raise PermissionDenied
    context = {
        "engagement": engagement,
        "form": form,
        "sessions": visible_to(engagement.sessions.select_related("subject"), request.user),
        "placement_count": engagement.placements.count(),  # a count: students' names stay on school pages
    }
    return render(request, "partners/engagement_detail.html", context)
