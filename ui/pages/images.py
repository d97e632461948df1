"""Images: generate with the stack's image models (prompt and picture checked by the guardrail), a gallery
of this session's pictures, and content-credential (C2PA) verification."""

from __future__ import annotations

import base64
from typing import Any

import streamlit as st

from ui import session, views

st.title("Images")
catalog = session.models()
models = {m["id"]: m for m in catalog["image_models"]}
state = st.session_state
state.setdefault("gallery", [])

model_id = st.selectbox("Model", list(models), format_func=lambda i: models[i]["name"],
                        index=list(models).index(catalog["default_image_model"]), key="image_model")  # fmt: skip
options = views.image_options(models[model_id])
with st.form("generate"):
    prompt = st.text_area("Prompt", placeholder="해질녘 바닷가의 등대, 수채화")
    negative = st.text_input("Negative prompt (optional)")
    left, middle, right = st.columns(3)
    size: dict[str, Any] = {}
    if options["sizing"] == "aspect_ratio":
        size["aspect_ratio"] = left.selectbox("Aspect ratio", options["ratios"])
    else:
        size["width"] = left.number_input("Width", 256, 4096, 1024, 64)
        size["height"] = left.number_input("Height", 256, 4096, 1024, 64)
    seed = middle.number_input("Seed (0 = the model picks)", 0, 4_294_967_294, 0)
    count = right.slider("Pictures", 1, 4, 1)
    generate = st.form_submit_button("Generate", type="primary")

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
        with st.spinner(f"Generating {number + 1} of {len(requests)}…"):
            answer = session.call("POST", "images", body)
        if not answer:
            break
        note = views.guardrail_note(answer.get("guardrail"))
        if note:
            (st.error if note[0] == "error" else st.warning)(note[1])
        if answer.get("translated"):
            st.info(f"Translated for the image model: {answer['prompt']}")
        state["gallery"][:0] = [{**image, "prompt": prompt.strip(), "model_id": answer["model_id"]} for image in answer["images"]]

st.subheader("Gallery")
if not state["gallery"]:
    st.caption("Pictures you generate in this session appear here.")
columns = st.columns(3)
for index, image in enumerate(state["gallery"]):
    with columns[index % 3]:
        st.image(image["url"], caption=f"{image['prompt'][:60]} · seed {image['seed']} · {image['width']}×{image['height']}")
        if st.button("Verify credentials", key=f"verify-{image['key']}", icon=":material/verified:"):
            state["verified"] = (image["key"], session.call("POST", "images/verify", {"key": image["key"]}))

st.subheader("Verify a picture")
picture = st.file_uploader("Check any PNG, JPEG or WebP for C2PA content credentials", type=["png", "jpg", "jpeg", "webp"])
if picture is not None and st.button("Verify this file"):
    state["verified"] = (picture.name, session.call("POST", "images/verify", {"image": base64.b64encode(picture.getvalue()).decode()}))
if state.get("verified") and state["verified"][1]:
    name, result = state["verified"]
    credentials = result["content_credentials"]
    if credentials.get("present"):
        verdict = "valid" if credentials.get("signature_valid") else "NOT valid"
        st.success(f"{name}: content credentials present, signature {verdict}; issuer {credentials.get('issuer')}; "
                   f"AI-generated: {credentials.get('ai_generated')}")  # fmt: skip
    else:
        st.info(f"{name}: no content credentials.")
    st.caption(result["watermark"]["note"])
    st.json(credentials, expanded=False)
