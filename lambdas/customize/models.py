"""The customization API's request and response bodies (admin only; docs/api.md#model-customization)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from common.text import NOT_BLANK

# Short names the admin picks; the stack prefixes them (`<stack tag>-<name>`) so its resources are told apart.
NAME = r"^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$"  # Bedrock model and deployment names: ([0-9a-zA-Z][_-]?){1,63}
DATASET_ID = r"^ds-[a-z0-9]{16}$"
UPLOAD_ID = r"^up-[a-z0-9]{16}$"
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # a dataset read whole by a 512 MB function; larger ones: split them
Name = Annotated[str, Field(pattern=NAME, max_length=32, description="Letters and digits, single hyphens between them, 1-32 characters")]
MethodName = Literal["FINE_TUNING", "CONTINUED_PRE_TRAINING", "DISTILLATION", "REINFORCEMENT_FINE_TUNING"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class UploadRequest(_Strict):
    size: Annotated[int, Field(ge=1, le=MAX_UPLOAD_BYTES, description="The JSONL file's size in bytes")]


class Upload(BaseModel):
    upload_id: str
    url: str
    fields: dict[str, str]
    expires_in: int
    max_bytes: int


class DatasetRequest(_Strict):
    base_model_id: Annotated[str, Field(min_length=1, max_length=100, description="A customization id from GET /customize/catalog")]
    method: MethodName = "FINE_TUNING"
    content: (
        Annotated[str, Field(min_length=1, description="The JSONL file's text (UTF-8; Korean welcome); or upload_id"), NOT_BLANK] | None
    ) = None
    upload_id: Annotated[str, Field(pattern=UPLOAD_ID, description="A file sent through POST /customize/uploads; or content")] | None = None
    validation_split: Annotated[float, Field(ge=0, le=0.5, description="Share of records kept for validation (0: none)")] = 0.0
    epochs: Annotated[int, Field(ge=1, le=100, description="For the cost estimate; default: the model's default epochCount")] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> DatasetRequest:
        if (self.content is None) == (self.upload_id is None):
            raise ValueError("send the dataset as content (up to the request size limit) or as upload_id, not both or neither")
        return self


class DatasetReport(BaseModel):
    dataset_id: str
    base_model_id: str
    method: str
    records: int
    train_records: int
    validation_records: int
    tokens: dict[str, int]
    limits: dict[str, Any]
    estimated_cost: dict[str, Any]
    s3_uris: dict[str, str]
    warnings: list[str] = Field(default=[], description="Legacy base model: English / Korean, one line each (nothing refused)")


class DistillationRequest(_Strict):
    teacher_model_id: Annotated[
        str, Field(min_length=1, max_length=100, description="A teacher for the dataset's student: GET /customize/catalog `teachers`")
    ]
    max_response_length: (
        Annotated[int, Field(ge=1, description="Tokens asked of the teacher per response (maxResponseLengthForInference); default 1000")]
        | None
    ) = None


class JobRequest(_Strict):
    dataset_id: Annotated[str, Field(pattern=DATASET_ID, description="From POST /customize/datasets")]
    name: Name
    hyperparameters: Annotated[dict[Annotated[str, Field(max_length=64)], int | float], Field(max_length=10)] = {}
    distillation: DistillationRequest | None = Field(
        default=None, description="Required when the dataset was checked for DISTILLATION; refused otherwise"
    )


class Job(BaseModel):
    name: str
    job_arn: str
    status: str
    base_model_id: str | None = None
    method: str | None = None
    custom_model_name: str | None = None
    custom_model_arn: str | None = None
    created_at: str
    ended_at: str | None = None
    failure_message: str | None = None
    status_details: dict[str, str] = {}
    hyperparameters: dict[str, str] = {}
    metrics: dict[str, Any] = {}
    teacher_model_id: str | None = None
    max_response_length: int | None = None
    warnings: list[str] = Field(default=[], description="On start: a Legacy base model or teacher, one line each (English / Korean)")


class JobList(BaseModel):
    jobs: list[Job]


class BaseLifecycle(BaseModel):
    """Where a custom model's base model stands in Bedrock's lifecycle on the function's date."""

    base_name: str
    status: Literal["ACTIVE", "LEGACY", "END_OF_LIFE"]
    legacy_since: str | None = None
    end_of_life: str | None = None
    usable: bool = Field(description="False once the base model is past its end of life: the custom model serves nothing")
    note: str | None = Field(
        default=None, description="English / Korean: retired (delete it: it only costs storage) or Legacy (works until the date)"
    )
    source: str


class CustomModel(BaseModel):
    name: str
    arn: str
    base_model_id: str | None
    status: str | None
    created_at: str
    storage_per_month_usd: float | None
    deployment: dict[str, Any]
    base_lifecycle: BaseLifecycle | None = Field(default=None, description="None when the base model is not in the catalog")


class CustomModelList(BaseModel):
    models: list[CustomModel]


class Deleted(BaseModel):
    name: str
    deleted: bool
    note: str


class DeploymentRequest(_Strict):
    model_name: Name
    name: Name | None = None


class Deployment(BaseModel):
    name: str
    arn: str
    model_arn: str
    status: str
    created_at: str
    failure_message: str | None = None
    registered: bool = False
    display_name: str | None = None
    warnings: list[str] = Field(default=[], description="On deploy: a Legacy base model, one line (English / Korean)")


class DeploymentList(BaseModel):
    deployments: list[Deployment]


class RegistrationRequest(_Strict):
    display_name: Annotated[str, Field(min_length=1, max_length=80, description="The name users see in the model picker"), NOT_BLANK]
