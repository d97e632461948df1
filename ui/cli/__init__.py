"""`genai`: the API from a terminal and from scripts (docs/ui.md#the-genai-command).

genai login [--username admin@example.com]                 (asks for the password; the token goes to ~/.config/genai-stack/)
genai chat "안녕하세요" | --file FILE | < stdin  [--conversation ID] [--model ID] [--no-stream | --json] …
genai rag "재택 근무는 며칠?" [--results 5]
genai conversations [list [--all] | show ID | delete ID [--yes]]
genai models · genai logout
genai images "a lighthouse at dawn" [--ratio 16:9] [--seed 7] [--out DIR]
genai documents list | upload FILE [--type text/plain] | delete NAME [--yes] | sync
genai usage                                                 (today and this month by model, what is left of each budget)
genai admin usage [--period day|month] [--date D] [--sort cost|tokens|user] [--order asc|desc] [--limit N] [--all] [--csv FILE]
genai admin budgets [list] | set --user SUB|--group NAME [--tokens-per-day N|none] [--usd-per-month X|none] [--unlimited]
                    | delete --user SUB|--group NAME [--yes]
genai customize catalog | validate FILE --base-model ID [--validation-split 0.1] | start --dataset ID --name NAME [--epochs N …]
                | status [NAME] [--wait] | stop NAME [--yes] | deploy NAME [--wait] | deployments | register NAME --display-name N
                | unregister NAME | models | delete model|deployment NAME [--yes]        (admin: docs/customization.md)
genai smoke · genai doctor
Every command takes --json (JSON on stdout for scripts) and --debug (the traceback of a failure).

One module per command group (auth, ask, conversations, models, images, documents, usage, admin, budgets, customize and
customize_models with customize_show), the exit
codes and failure lines (exits, cognito), the output (output, figures), the stack's outputs and the token store (stack),
streaming (stream).
"""

from ui.cli.main import main

__all__ = ["main"]
