"""The customization catalog the stack rendered into runtime_config.json (`customization`), typed, and its rules.

Which base model supports which method in which Region, its dataset format and limits, hyperparameter ranges,
on-demand deployment, prices and each model's Bedrock lifecycle: infra/catalog/customizable.json, with a source for
each fact. A request for a pair the catalog does not support is a 400 that says why; a base model or teacher past its
end of life is not offered (customize/lifecycle.py), on the date the function's clock gives.
"""

from __future__ import annotations

import json
import os
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from common.errors import BadRequestError
from common.runtime_config import DEFAULT_PATH
from customize.lifecycle import Lifecycle, legacy_warning, refuse_retired

Method = Literal["FINE_TUNING", "CONTINUED_PRE_TRAINING", "DISTILLATION", "REINFORCEMENT_FINE_TUNING"]
Format = Literal["bedrock-conversation-2024", "claude-3-haiku", "prompt-completion", "continued-pre-training"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class MethodInfo(_Model):
    label: str
    offered: bool
    reason: str = ""
    source: str


class DatasetRules(_Model):
    format: Format
    min_records: int
    max_records: int
    max_validation_records: int | None
    validation: bool
    max_record_tokens: int | None
    reserved_keywords: bool
    images: bool
    source: str


class OnDemand(_Model):
    regions: tuple[str, ...]
    trained_on_or_after: str
    source: str


class Inference(_Model):
    max_output_tokens: int
    temperature: tuple[float, float] | None
    top_p: tuple[float, float] | None
    top_k: tuple[int, int] | None
    temperature_with_top_p: bool
    max_stop_sequences: int
    output_tokens_per_second: float


class PriceSource(_Model):
    """Where a price was read: `official` (an AWS page) or `second-hand` (a copy, a transcription, a bill), its
    address (null only for the field notes no public page backs) and the date it was published or read."""

    label: Literal["official", "second-hand"]
    url: str | None
    published: str | None
    what: str


class Prices(_Model):
    training_per_1k_tokens: float | None
    storage_per_month: float | None
    input_per_million: float | None
    output_per_million: float | None
    provisioned_throughput_per_hour: float | None
    sources: dict[str, tuple[str, ...]] = {}  # price field -> keys of Catalog.price_sources
    source: str


class HyperParam(_Model):
    type: Literal["int", "float"]
    min: float
    max: float
    default: float


class HyperParamSet(_Model):
    source: str
    params: dict[str, HyperParam]


class Teacher(_Model):
    id: str
    name: str
    inference: Literal["on_demand", "profile"]
    profile_regions: tuple[str, ...]
    regions: tuple[str, ...]
    students: tuple[str, ...]
    max_output_tokens: int | None
    source: str
    lifecycle: Lifecycle = Lifecycle()


class DistillationDataset(_Model):
    min_records: int
    max_records: int
    validation: bool
    source: str


class ResponseLength(_Model):
    min: int
    default: int
    source: str


class Distillation(_Model):
    """prequisites-model-distillation.html: which teacher distills into which student, in which Region."""

    source: str
    dataset: DistillationDataset
    max_response_length: ResponseLength
    teachers: tuple[Teacher, ...]


class BaseModelInfo(_Model):
    id: str
    inference_id: str
    name: str
    family: Literal["nova", "anthropic", "meta"]
    methods: dict[Method, tuple[str, ...]]
    dataset: DatasetRules
    hyperparameters: dict[str, str]
    on_demand: OnDemand | None
    inference: Inference
    prices: Prices
    lifecycle: Lifecycle = Lifecycle()


class Catalog(_Model):
    region: str
    verified_on: str
    note: str
    methods: dict[Method, MethodInfo]
    formats: dict[Format, str]
    base_models: tuple[BaseModelInfo, ...]
    hyperparameters: dict[str, HyperParamSet]
    distillation: Distillation
    price_sources: dict[str, PriceSource]

    def base(self, model_id: str) -> BaseModelInfo:
        found = next((m for m in self.base_models if m.id == model_id), None)
        if found is None:
            raise BadRequestError(
                f"base_model_id {model_id!r} is not a customizable model; see GET /customize/catalog",
                details=[{"field": "base_model_id", "message": "unknown", "allowed": [m.id for m in self.base_models]}],
            )
        return found

    def hyperparameter_set(self, model: BaseModelInfo) -> HyperParamSet:
        return self.hyperparameters[model.hyperparameters["family"]]

    def sources_of(self, model: BaseModelInfo, *fields: str) -> list[dict[str, Any]]:
        """The sources of `model`'s prices named by `fields`, each once, as {key, label, url, published, what}."""
        keys = dict.fromkeys(key for field in fields for key in model.prices.sources.get(field, ()))
        return [{"key": key, **self.price_sources[key].model_dump()} for key in keys]

    def current(self, today: date) -> list[BaseModelInfo]:
        """The base models not past their end of life on `today` (the ones this product offers)."""
        return [m for m in self.base_models if m.lifecycle.status(today) != "END_OF_LIFE"]

    def check_pair(self, model: BaseModelInfo, method: Method, today: date) -> None:
        """A 400 naming why `method` cannot start for `model` here: the model is past its end of life, the method is
        not offered, the model does not support it, not in this Region, or (distillation) none of its teachers is
        current."""
        refuse_retired(model.id, model.name, model.lifecycle, today, role="base model", field="base_model_id")
        info = self.methods[method]
        if not info.offered:
            raise BadRequestError(
                f"{method} cannot start here: {info.reason}", details=[{"field": "method", "message": info.reason, "source": info.source}]
            )
        regions = model.methods.get(method)
        if not regions:
            supported = [m.id for m in self.current(today) if method in m.methods]
            message = f"{model.name} does not support {method} on Bedrock; models that do: {', '.join(supported) or 'none'}"
            raise BadRequestError(message, details=[{"field": "method", "message": message, "source": info.source}])
        if self.region not in regions:
            message = f"{model.name} supports {method} in {', '.join(regions)}, not in this stack's Region {self.region}"
            raise BadRequestError(message, details=[{"field": "base_model_id", "message": message, "source": info.source}])
        if method == "DISTILLATION" and not self.teachers_for(model, today):
            retired = ", ".join(f"{t.id} (end of life {t.lifecycle.end_of_life})" for t in self._paired(model))
            message = (
                f"every documented teacher of {model.name} in {self.region} is past its Bedrock end of life: {retired} "
                f"/ 이 학생 모델의 교사 모델이 모두 지원 종료(EOL)되어 증류할 수 없습니다"
            )
            raise BadRequestError(message, details=[{"field": "method", "message": message, "source": self.distillation.source}])

    def dataset_rules(self, model: BaseModelInfo, method: Method) -> DatasetRules:
        """The record limits a dataset is checked against: the base model's, or distillation's own (15K prompts)."""
        if method != "DISTILLATION":
            return model.dataset
        limits = self.distillation.dataset
        update = {"min_records": limits.min_records, "max_records": limits.max_records, "validation": limits.validation}
        return model.dataset.model_copy(update={**update, "max_validation_records": 0, "source": limits.source})

    def _paired(self, model: BaseModelInfo) -> list[Teacher]:
        return [t for t in self.distillation.teachers if model.id in t.students and self.region in t.regions]

    def teachers_for(self, model: BaseModelInfo, today: date) -> list[Teacher]:
        """The documented teachers of this student in this Region that are not past their end of life on `today`."""
        return [t for t in self._paired(model) if t.lifecycle.status(today) != "END_OF_LIFE"]

    def teacher(self, model: BaseModelInfo, teacher_id: str, max_response_length: int | None, today: date) -> tuple[Teacher, int]:
        """The documented, current teacher for this student in this Region and the response length to ask it for, or
        a 400 naming the field (prequisites-model-distillation.html; API_TeacherModelConfig.html; a retired teacher:
        its end-of-life date)."""
        paired = next((t for t in self._paired(model) if t.id == teacher_id), None)
        if paired is not None:
            refuse_retired(paired.id, paired.name, paired.lifecycle, today, role="teacher", field="distillation.teacher_model_id")
        found = next((t for t in self.teachers_for(model, today) if t.id == teacher_id), None)
        if found is None:
            allowed = [t.id for t in self.teachers_for(model, today)]
            message = (
                f"{teacher_id!r} is not a documented distillation teacher for {model.name} in {self.region}; "
                f"teachers: {', '.join(allowed) or 'none'} / 이 학생 모델의 교사 모델로 쓸 수 없습니다"
            )
            detail = {"field": "distillation.teacher_model_id", "message": message, "allowed": allowed, "source": self.distillation.source}
            raise BadRequestError(message, details=[detail])
        bounds = self.distillation.max_response_length
        length = bounds.default if max_response_length is None else max_response_length
        top = found.max_output_tokens
        if length < bounds.min or (top is not None and length > top):
            message = (
                f"must be between {bounds.min} and {top if top is not None else 'the teacher maximum'} tokens for {found.name} "
                f"/ 교사 모델의 응답 길이 범위를 벗어났습니다"
            )
            field = "distillation.max_response_length"
            raise BadRequestError(message, details=[{"field": field, "message": message, "source": bounds.source}])
        return found, length

    def warnings(self, model: BaseModelInfo, teacher: Teacher | None, today: date) -> list[str]:
        """A line for the base model and one for the teacher when it is Legacy (validate and start show them)."""
        found = [legacy_warning(model.id, model.name, model.lifecycle, today, role="base model")]
        if teacher is not None:
            found.append(legacy_warning(teacher.id, teacher.name, teacher.lifecycle, today, role="teacher"))
        return [w for w in found if w]

    def _teacher_row(self, teacher: Teacher, today: date) -> dict[str, Any]:
        warning = legacy_warning(teacher.id, teacher.name, teacher.lifecycle, today, role="teacher")
        return {**teacher.model_dump(), "lifecycle": {**teacher.lifecycle.view(today), "warning": warning}}

    def listing(self, today: date) -> dict[str, Any]:
        """GET /customize/catalog: every row not past its end of life on `today`, with what this stack's Region allows
        and its lifecycle; a retired base model or teacher is left out (Bedrock refuses it)."""
        rows = []
        for model in self.current(today):
            row = model.model_dump()
            teachers = self.teachers_for(model, today)
            row["available_here"] = {
                method: self.methods[method].offered and self.region in regions and (method != "DISTILLATION" or bool(teachers))
                for method, regions in model.methods.items()
            }
            row["on_demand_here"] = bool(model.on_demand and self.region in model.on_demand.regions)
            row["hyperparameters"] = {**self.hyperparameter_set(model).model_dump(), **model.hyperparameters}
            row["teachers"] = [self._teacher_row(t, today) for t in teachers]
            warning = legacy_warning(model.id, model.name, model.lifecycle, today, role="base model")
            row["lifecycle"] = {**model.lifecycle.view(today), "warning": warning}
            rows.append(row)
        methods = {k: v.model_dump() for k, v in self.methods.items()}
        distillation = self.distillation.model_dump()
        current = [t for t in self.distillation.teachers if t.lifecycle.status(today) != "END_OF_LIFE"]
        distillation["teachers"] = [self._teacher_row(t, today) for t in current]
        return {
            "region": self.region,
            "verified_on": self.verified_on,
            "note": self.note,
            "methods": methods,
            "formats": dict(self.formats),
            "base_models": rows,
            "distillation": distillation,
            "price_sources": {k: v.model_dump() for k, v in self.price_sources.items()},
        }


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """From the runtime configuration file (RUNTIME_CONFIG_PATH), at cold start."""
    path = Path(os.environ.get("RUNTIME_CONFIG_PATH", DEFAULT_PATH))
    return Catalog.model_validate(json.loads(path.read_text(encoding="utf-8"))["customization"])
