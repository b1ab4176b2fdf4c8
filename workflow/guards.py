"""Named guards used by workflow definitions, each with the message shown on refusal."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from models import Document, User

from .definitions import Definition


@dataclass
class GuardContext:
    """What a guard looks at: the document, the actor, the comment and the time.

    The actor's active delegations are `extra["delegations"]` when given, else
    read once through `load_delegations` the first time a guard needs them (only
    when the actor is not the assignee being checked).
    """

    document: Document
    actor: User
    definition: Definition
    now: datetime
    comment: str = ""
    extra: dict = field(default_factory=dict)
    load_delegations: Callable[[], Iterable] | None = None

    def current_step(self):
        return self.document.current_step

    def delegations(self) -> list:
        """The delegations the actor may act under now (loaded at most once)."""
        if "delegations" not in self.extra:
            self.extra["delegations"] = list(self.load_delegations()) if self.load_delegations else []
        return self.extra["delegations"]


@dataclass(frozen=True)
class Guard:
    """A named predicate over a `GuardContext` and its refusal message."""

    name: str
    check: Callable[[GuardContext], bool]
    message: str
    status: str = "forbidden"


def acts_for(actor: User, assignee_id: int | None, ctx: GuardContext) -> bool:
    """True when `actor` is the assignee or holds an active delegation from them."""
    if assignee_id is None:
        return False
    if actor.id == assignee_id:
        return True
    return any(d.delegator_id == assignee_id and d.delegate_id == actor.id for d in ctx.delegations())


def _is_step_assignee(ctx: GuardContext) -> bool:
    step = ctx.current_step()
    return step is not None and acts_for(ctx.actor, step.assignee_id, ctx)


def _last_review_index(ctx: GuardContext) -> int:
    chain = ctx.document.chain()
    idx = [i for i, s in enumerate(chain) if s.kind == "review"]
    return chain[idx[-1]].id if idx else -1


def _is_last_review_step(ctx: GuardContext) -> bool:
    step = ctx.current_step()
    return step is not None and step.kind == "review" and step.id == _last_review_index(ctx)


def _not_last_review_step(ctx: GuardContext) -> bool:
    step = ctx.current_step()
    return step is not None and step.kind == "review" and step.id != _last_review_index(ctx)


def _is_chain_reviewer_or_signer(ctx: GuardContext) -> bool:
    assignees = [s.assignee_id for s in ctx.document.chain() if s.kind in ("review", "sign")]
    return ctx.actor.id in assignees or any(acts_for(ctx.actor, a, ctx) for a in assignees)


def _all_reports_filed(ctx: GuardContext) -> bool:
    duties = ctx.extra.get("duties")
    return bool(duties) and all(d.filed_at is not None for d in duties)


GUARDS: dict[str, Guard] = {g.name: g for g in [
    Guard("is_author", lambda c: c.actor.id == c.document.author_id,
          "Chỉ người soạn thảo mới được thực hiện thao tác này."),
    Guard("has_recipients", lambda c: bool(c.document.recipients),
          "Văn bản chưa có nơi nhận.", status="validation_error"),
    Guard("is_step_assignee", _is_step_assignee,
          "Bạn không phải người được giao xử lý ở bước hiện tại."),
    Guard("last_review_step", _is_last_review_step,
          "Đây không phải bước thẩm định cuối cùng.", status="invalid_state"),
    Guard("not_last_review_step", _not_last_review_step,
          "Đây là bước thẩm định cuối cùng.", status="invalid_state"),
    Guard("is_chain_reviewer_or_signer", _is_chain_reviewer_or_signer,
          "Chỉ người thẩm định hoặc người ký mới được trả lại văn bản."),
    Guard("has_comment", lambda c: bool((c.comment or "").strip()),
          "Cần nhập ý kiến (lý do trả lại).", status="validation_error"),
    Guard("all_reports_filed", _all_reports_filed,
          "Chưa nhận đủ báo cáo.", status="invalid_state"),
]}
