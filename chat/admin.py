from django.contrib import admin

from chat.models import Attachment, ChatMessage


@admin.register(ChatMessage)
class ChatMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "owner", "agent", "sender", "short_content", "status"]
    list_filter = ["sender", "status", "agent"]
    search_fields = ["content", "owner__email"]
    list_select_related = ["owner", "agent"]
    raw_id_fields = ["owner", "lead", "reply_to"]
    readonly_fields = ["id", "created_at"]
    filter_horizontal = ["attachments"]
    date_hierarchy = "created_at"

    @admin.display(description="content")
    def short_content(self, obj: ChatMessage) -> str:
        return obj.content[:80]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "content_type", "size", "created_at"]
    list_filter = ["content_type"]
    search_fields = ["name", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    # The stored file path is internal; attachments are downloaded through the owner-checked API only.
    exclude = ["file"]
    readonly_fields = ["id", "name", "content_type", "size", "text", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False
