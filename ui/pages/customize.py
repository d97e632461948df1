"""Custom models (admins): a base model and method from the catalog (what runs in this Region), a JSONL dataset sent
through a presigned upload (POST /customize/uploads) and checked (POST /customize/datasets), a job started with the base
model's hyperparameters within the catalog's ranges, the jobs followed (a fragment that refreshes itself while anything
runs), deploy on demand, register for the chat and open the chat with the model picked (docs/customization.md)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pandas as pd
import streamlit as st

from ui import confirm, session, uploader_words
from ui.cli.customize import send_file
from ui.cli.exits import CliError
from ui.cli.figures import dollars
from ui.client import ApiError
from ui.custom_model_notes import base_note, retired
from ui.i18n import current, t

ENDS = {"Completed", "Failed", "Stopped"}
state = st.session_state
lang = current()


def legacy_note(row: dict[str, Any]) -> None:
    """A Legacy base model or teacher is offered with the API's warning (English / Korean); one past its end of life is
    not in the catalog at all (docs/customization.md#model-lifecycle)."""
    warning = (row.get("lifecycle") or {}).get("warning")
    if warning:
        st.warning(warning, icon=":material/schedule:")


st.title(t("customize.title"), anchor=False)
st.caption(t("customize.intro"))
session.show_flash()
if not session.is_admin():
    st.error(t("customize.admins_only"))
    st.stop()
catalog = session.call("GET", "customize/catalog")
if catalog is None:
    st.stop()
bases = {m["id"]: m for m in catalog.get("base_models") or [] if any((m.get("available_here") or {}).values())}
if not bases:
    st.info(t("customize.none_here", region=catalog.get("region", "")))
    st.stop()

st.subheader(t("customize.dataset_title"), anchor=False)
base_id = st.selectbox(t("customize.base"), list(bases), format_func=lambda i: f"{bases[i]['name']} ({i})", key="cust_base")
base = bases[base_id]
legacy_note(base)
methods = [m for m, ok in (base.get("available_here") or {}).items() if ok]
method = st.selectbox(t("customize.method"), methods, key="cust_method")
upload = uploader_words.file_uploader(t("customize.file"), type=["jsonl"], key="cust_file", help=t("customize.file_help"))
split = st.number_input(t("customize.split"), 0.0, 0.5, 0.0, 0.05, key="cust_split", help=t("customize.split_help"))


def check(data: bytes) -> None:
    """Upload the file, then ask the API to check it: the report, or its problems, kept for the next runs."""
    state.pop("cust_report", None)
    state.pop("cust_problems", None)
    try:
        upload_id = send_file(session.client(), data)
        body = {"base_model_id": base_id, "method": method, "upload_id": upload_id, **({"validation_split": split} if split else {})}
        state["cust_report"] = session.client().call("POST", "customize/datasets", body)
    except CliError as err:
        st.error(str(err))
    except ApiError as err:
        error = (err.body or {}).get("error") or {} if isinstance(err.body, dict) else {}
        if error.get("code") == "invalid_dataset":
            state["cust_problems"] = [d for d in error.get("details") or [] if isinstance(d, dict)]
        else:
            session.show_error(err)


if st.button(t("customize.check"), icon=":material/fact_check:", disabled=upload is None, key="cust_check") and upload is not None:
    check(upload.getvalue())
problems = state.get("cust_problems")
if problems:
    st.error(t("customize.problems", count=len(problems)))
    rows = [
        {
            t("customize.col.line"): int(p.get("line") or 0) or t("customize.whole_file"),
            t("customize.col.field"): p.get("field") or "",
            t("customize.col.message"): p.get("message", ""),
        }
        for p in problems
    ]
    st.dataframe(pd.DataFrame(rows).astype(str), hide_index=True, width="stretch")
report = state.get("cust_report")
if report:
    cost, tokens = report.get("estimated_cost") or {}, report.get("tokens") or {}
    st.success(t("customize.valid", dataset=report["dataset_id"]))
    for warning in report.get("warnings") or []:
        st.warning(warning, icon=":material/schedule:")
    with st.container(horizontal=True):
        st.metric(
            t("customize.records"),
            f"{report['records']:,}",
            t("customize.split_counts", train=report["train_records"], validation=report["validation_records"]),
            delta_color="off",
        )
        st.metric(t("customize.tokens"), f"{int(tokens.get('total') or 0):,}")
        st.metric(t("customize.cost"), dollars(cost["usd"]) if cost.get("usd") is not None else "-")
    if cost.get("storage_per_month_usd") is not None:
        st.caption(t("customize.storage", usd=dollars(cost["storage_per_month_usd"])))
    for source in cost.get("price_sources") or []:  # where the catalog read the training and storage prices
        where = source.get("url") or source.get("what") or ""
        st.caption(t("customize.price_source", label=source.get("label"), where=where, published=source.get("published") or "-"))

    st.subheader(t("customize.start_title"), anchor=False)
    name = st.text_input(t("customize.name"), key="cust_name", help=t("customize.name_help"))
    params = ((bases.get(report.get("base_model_id")) or base).get("hyperparameters") or {}).get("params") or {}
    values: dict[str, Any] = {}
    with st.expander(t("customize.hyper"), icon=":material/tune:"):
        for pname, rule in params.items():
            whole = rule.get("type") == "int"
            cast = int if whole else float
            low, high = cast(rule.get("min", 0)), cast(rule.get("max", 10**6))
            default = cast(rule.get("default", low))
            values[pname] = st.number_input(pname, low, high, default, key=f"cust_hp_{pname}", format=None if whole else "%g")
    body: dict[str, Any] = {"dataset_id": report["dataset_id"], "hyperparameters": values}
    if report.get("method") == "DISTILLATION":  # the teacher writes the answers: one the catalog pairs with this student
        teachers = {x["id"]: x for x in (bases.get(report.get("base_model_id")) or base).get("teachers") or []}
        teacher = st.selectbox(
            t("customize.teacher"), list(teachers), format_func=lambda i: f"{teachers[i]['name']} ({i})", key="cust_teacher"
        )
        legacy_note(teachers.get(teacher) or {})
        top = (teachers.get(teacher) or {}).get("max_output_tokens") or 100_000
        length = st.number_input(t("customize.response_length"), 1, int(top), min(1000, int(top)), key="cust_length")
        st.caption(t("customize.distill_cost"))
        body["distillation"] = {"teacher_model_id": teacher, "max_response_length": int(length)}
    if st.button(t("customize.start"), type="primary", icon=":material/play_arrow:", disabled=not name.strip(), key="cust_start"):
        job = session.call("POST", "customize/jobs", {**body, "name": name.strip()})
        if job is not None:
            session.flash(t("customize.started", name=job["name"]))
            state.pop("cust_report", None)
            st.rerun()


def _status(value: Any) -> str:
    return t(f"customize.state.{value}", lang) if value in ENDS | {"InProgress", "Stopping", "Creating", "Active"} else str(value)


def _deploy(model: str) -> None:
    try:
        session.client().call("POST", "customize/deployments", {"model_name": model})
        session.flash(t("customize.deploying", name=model))
    except ApiError as err:
        error = (err.body or {}).get("error") or {} if isinstance(err.body, dict) else {}
        if error.get("code") != "provisioned_throughput_only":
            session.show_error(err)
            return
        details = error.get("details") or [{}]
        hourly = details[0].get("provisioned_throughput_per_hour_usd") if isinstance(details[0], dict) else None
        cost = t("customize.hourly", usd=dollars(hourly)) if hourly else t("customize.hourly_unknown")
        state["cust_pt_only"] = t("customize.pt_only", name=model, cost=cost)


def _open_chat(arn: str) -> None:
    session._models.clear()  # the registered model is in GET /models now
    state["chat_pick"] = arn
    st.switch_page("pages/chat.py")


def follow() -> None:
    jobs = (session.call("GET", "customize/jobs") or {}).get("jobs") or []
    models = (session.call("GET", "customize/models") or {}).get("models") or []
    deployments = (session.call("GET", "customize/deployments") or {}).get("deployments") or []
    st.subheader(t("customize.jobs_title"), anchor=False)
    if not jobs:
        st.caption(t("customize.no_jobs"))
    for job in jobs:
        loss = (job.get("metrics") or {}).get("training_loss")
        line = t("customize.job_line", name=job["name"], status=_status(job.get("status")), base=job.get("base_model_id", ""))
        st.markdown(line + (f" · {t('customize.loss')} {float(loss):.4f}" if loss is not None else ""))
        if job.get("status") == "InProgress" and st.button(t("customize.stop"), key=f"cust_stop_{job['name']}"):
            state["cust_stopping"] = job["name"]
        if state.get("cust_stopping") == job["name"] and confirm.ask(t("customize.confirm_stop", name=job["name"]), "cust_stopping"):
            state.pop("cust_stopping", None)
            if session.call("POST", f"customize/jobs/{quote(job['name'], safe='')}/stop") is not None:
                st.rerun()
        if job.get("status") == "Completed":
            detail = session.call("GET", f"customize/jobs/{quote(job['name'], safe='')}") or {}
            steps = (detail.get("metrics") or {}).get("training_steps") or []
            if steps:
                with st.expander(t("customize.loss_rows", name=job["name"])):
                    shown = [
                        {
                            t("customize.col.step"): r.get("step_number"),
                            t("customize.col.epoch"): r.get("epoch_number"),
                            t("customize.loss"): r.get("training_loss"),
                        }
                        for r in steps
                    ]
                    st.dataframe(pd.DataFrame(shown), hide_index=True)
    st.subheader(t("customize.models_title"), anchor=False)
    if state.get("cust_pt_only"):
        st.warning(state["cust_pt_only"])
    deployed = {d.get("model_arn"): d for d in deployments}
    for model in models:
        found = deployed.get(model.get("arn"))
        storage = dollars(model["storage_per_month_usd"]) if model.get("storage_per_month_usd") is not None else "-"
        st.markdown(
            t(
                "customize.model_line",
                name=model["name"],
                storage=storage,
                deployment=_status(found["status"]) if found else t("customize.not_deployed"),
            )
        )
        note = base_note(model)  # past its base model's end of life: nothing to deploy or register, only delete
        if note:
            (st.error if note[0] == "retired" else st.warning)(note[1], icon=":material/schedule:")
        usable = not retired(model)
        if usable and not found:
            st.button(
                t("customize.deploy"),
                key=f"cust_deploy_{model['name']}",
                icon=":material/rocket_launch:",
                on_click=_deploy,
                args=(model["name"],),
            )
        elif usable and found and found["status"] == "Active" and not found.get("registered"):
            shown_name = st.text_input(t("customize.display_name"), key=f"cust_display_{found['name']}")
            if st.button(t("customize.register"), key=f"cust_register_{found['name']}", disabled=not shown_name.strip()):
                path = f"customize/deployments/{quote(found['name'], safe='')}/registration"
                if session.call("POST", path, {"display_name": shown_name.strip()}) is not None:
                    session.flash(t("customize.registered", name=shown_name.strip()))
                    st.rerun()
        elif found and found.get("registered"):
            st.caption(t("customize.is_registered", name=found.get("display_name", "")))
            if usable and st.button(t("customize.open_chat"), key=f"cust_chat_{found['name']}", type="primary", icon=":material/chat:"):
                _open_chat(found["arn"])
            registration = f"customize/deployments/{quote(found['name'], safe='')}/registration"
            if (
                st.button(t("customize.unregister"), key=f"cust_unregister_{found['name']}")
                and session.call("DELETE", registration) is not None
            ):
                session._models.clear()
                st.rerun()
        _deletes(model, found, storage)
    if not models:
        st.caption(t("customize.no_models"))
    busy = any(j.get("status") in ("InProgress", "Stopping") for j in jobs) or any(d.get("status") == "Creating" for d in deployments)
    state["cust_busy"] = busy


def _deletes(model: dict[str, Any], found: dict[str, Any] | None, storage: str) -> None:
    """Delete the deployment (the custom model stays), or, once none uses it, the custom model: each asked first."""
    kind, name = ("deployments", found["name"]) if found else ("models", model["name"])
    if st.button(t(f"customize.delete_{kind}"), key=f"cust_delete_{kind}_{name}", icon=":material/delete:"):
        state["cust_deleting"] = f"{kind}/{name}"
    if state.get("cust_deleting") == f"{kind}/{name}" and confirm.ask(
        t(f"customize.confirm_{kind}", name=name, storage=storage), "cust_deleting"
    ):
        state.pop("cust_deleting", None)
        if session.call("DELETE", f"customize/{kind}/{quote(name, safe='')}") is not None:
            session._models.clear()
            session.flash(t(f"customize.deleted_{kind}", name=name, storage=storage))
            st.rerun()


@st.fragment(run_every=3 if state.get("cust_busy", True) else None)
def live() -> None:
    before = state.get("cust_busy", True)
    follow()
    if before and not state["cust_busy"]:
        st.rerun()  # settled: redraw the page once so the fragment stops refreshing itself


live()
