"""Images: generate with the stack's image models (prompt and picture checked by the guardrail), the newest
picture in view with a download button, the user's earlier pictures (GET /images, a page at a time), each deletable
after a confirmation (DELETE /images/{id}), and content-credential (C2PA) verification."""

from __future__ import annotations

import base64
from typing import Any

import streamlit as st

from ui import confirm, gallery, session, views, wording
from ui.i18n import current, t
from ui.uploader_words import file_uploader

st.title(t("images.title"), anchor=False)
st.caption(t("images.intro"))
session.show_flash()  # "deleted" after a picture's delete
catalog = session.models()
models = {m["id"]: m for m in catalog["image_models"]}
state = st.session_state

model_id = st.selectbox(
    t("images.model"),
    list(models),
    format_func=lambda i: models[i]["name"],
    index=list(models).index(catalog["default_image_model"]),
    key="image_model",
)
options = views.image_options(models[model_id])
with st.form("generate"):
    prompt = st.text_area(t("images.prompt"), placeholder=t("images.placeholder"))
    negative = st.text_input(t("images.negative"), help=t("images.negative_help"))
    left, middle, right = st.columns(3)
    size: dict[str, Any] = {}
    if options["sizing"] == "aspect_ratio":
        size["aspect_ratio"] = left.selectbox(t("images.ratio"), options["ratios"])
    else:
        size["width"] = left.number_input(t("images.width"), 256, 4096, 1024, 64)
        size["height"] = left.number_input(t("images.height"), 256, 4096, 1024, 64)
    seed = middle.number_input(t("images.seed"), 0, 4_294_967_294, 0, help=t("images.seed_help"))
    count = right.slider(t("images.count"), 1, 4, 1)
    generate = st.form_submit_button(t("images.generate"), type="primary", icon=":material/brush:")

if generate and not prompt.strip():
    st.warning(t("images.empty"))
if generate and prompt.strip():
    per_request = options["per_request"]
    requests = [min(per_request, count - i) for i in range(0, count, per_request)]
    for number, images in enumerate(requests):
        body: dict[str, Any] = {"prompt": prompt.strip(), "model_id": model_id, **size}
        if negative.strip():
            body["negative_prompt"] = negative.strip()
        if seed:
            body["seed"] = int(seed) + number  # a fixed seed, then the next ones: different pictures, repeatable
        if images > 1:
            body["number_of_images"] = images
        with st.spinner(t("images.generating", number=number + 1, total=len(requests))):
            answer = session.call("POST", "images", body)
        if not answer:
            break
        note = wording.guardrail_note(answer.get("guardrail"), current())
        if note:
            (st.error if note[0] == "error" else st.warning)(note[1])
        if answer.get("translated"):
            st.info(t("images.translated", prompt=answer["prompt"]))
        if answer["images"]:  # the last one stored is the newest (GET /images lists it first)
            state["latest_image"] = {**answer["images"][-1], "prompt": prompt.strip(), "model_id": answer["model_id"]}
            gallery.forget()


def _delete(image: dict[str, Any]) -> None:
    """DELETE /images/{id}; the listing is read again (a 404 means it is already gone: the error says so)."""
    answer = session.call("DELETE", f"images/{gallery.image_id(image)}")
    gallery.forget()
    if (state.get("latest_image") or {}).get("key") == image["key"]:
        state.pop("latest_image", None)
    if answer is not None:
        session.flash(t("images.deleted"))
        st.rerun()


def _picture(image: dict[str, Any], where: str) -> None:
    """One picture, its caption, and its download, verify and delete buttons (`where`: keeps the two places' keys apart);
    a delete asks first (ui/confirm.py)."""
    caption = t(
        "images.caption", prompt=(image.get("prompt") or "-")[:60], seed=image.get("seed"), width=image["width"], height=image["height"]
    )
    if where == "latest":
        # Two thirds of a wide screen (about 600 px, in view without scrolling past it); on a phone the columns stack
        # and it takes the whole width (a fixed width in pixels ran past a narrow screen's edge).
        holder, _ = st.columns([2, 1])
        holder.image(image["url"], caption=caption, width="stretch")
    else:
        st.image(image["url"], caption=caption, width="content")
    # One row of buttons that wraps onto more rows in a narrow gallery column, never cutting their words short.
    row = st.container(horizontal=True, gap="small")
    row.download_button(
        t("images.download"),
        gallery.fetcher(image["url"]),
        file_name=gallery.file_name(image),
        mime="image/png",
        key=f"download-{where}-{image['key']}",
        icon=":material/download:",
        on_click="ignore",
    )
    if row.button(t("images.verify"), key=f"verify-{where}-{image['key']}", icon=":material/verified:"):
        state["verified"] = (image["key"], session.call("POST", "images/verify", {"key": image["key"]}))
    if row.button(t("images.delete"), key=f"delete-{where}-{image['key']}", icon=":material/delete:"):
        state["image_deleting"] = image["key"]
    if state.get("image_deleting") == image["key"] and confirm.ask(
        t("images.confirm_delete", prompt=(image.get("prompt") or "-")[:60]), "image_deleting"
    ):
        state.pop("image_deleting", None)
        _delete(image)


listed, more = gallery.pictures()
latest = state.get("latest_image")
# The newest picture: the one just made, with the listing's fresher link once it is listed; else the newest stored.
newest = next((p for p in listed if latest and p["key"] == latest["key"]), latest) or (listed[0] if listed else None)
if newest is not None:
    st.subheader(t("images.latest"), anchor=False)
    _picture(newest, "latest")

st.subheader(t("images.gallery"), anchor=False)
earlier = [p for p in listed if newest is None or p["key"] != newest["key"]]
if not earlier:
    st.caption(t("images.gallery_empty"))
columns = st.columns(3)
for index, image in enumerate(earlier):
    with columns[index % 3]:
        _picture(image, "gallery")
if more and st.button(t("images.more"), key="images-more", icon=":material/expand_more:"):
    gallery.more()
    st.rerun()

st.subheader(t("images.verify_title"), anchor=False)
picture = file_uploader(t("images.verify_upload"), type=["png", "jpg", "jpeg", "webp"], key="images_verify")
if picture is not None and st.button(t("images.verify_file"), icon=":material/verified:"):
    state["verified"] = (picture.name, session.call("POST", "images/verify", {"image": base64.b64encode(picture.getvalue()).decode()}))
if state.get("verified") and state["verified"][1]:
    name, result = state["verified"]
    credentials = result["content_credentials"]
    if credentials.get("present"):
        verdict = t("images.signature_valid" if credentials.get("signature_valid") else "images.signature_invalid")
        generated = credentials.get("ai_generated")
        made = t("yes") if generated is True else t("no") if generated is False else t("unknown")
        st.success(t("images.credentials", name=name, verdict=verdict, issuer=credentials.get("issuer"), ai=made))
    else:
        st.info(t("images.no_credentials", name=name))
    watermark = result["watermark"]
    st.caption(watermark["note"] if watermark.get("checked") else t("images.watermark_note"))  # the API's fixed note, in words
    st.json(credentials, expanded=False)
