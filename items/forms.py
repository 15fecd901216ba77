"""Forms that are not admin forms: writing, editing and reporting comments."""

import uuid

from django import forms
from django.conf import settings

from items.models import Comment, CommentReport


def limit_length(field):
    """Tell the page the comment length limit, for static/js/comments.js's counter.

    Not ``maxlength``: a browser silently cuts a longer paste to it. The service refuses a long
    comment with the text kept, and the counter warns before that.
    """
    field.widget.attrs["data-maxlength"] = settings.NEWSBOARD_COMMENT_MAX_LENGTH


class CommentForm(forms.Form):
    """A new comment or reply. Length and rate limits are the service's; the form only collects."""

    body = forms.CharField(
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 6}),
        strip=False,
        help_text="Markdown: *emphasis*, **bold**, [links](https://…), `code`, lists and > quotes.",
    )
    anonymous = forms.BooleanField(
        required=False,
        label="Post anonymously to classmates",
        help_text="Classmates see “Anonymous student”. Instructors still see your name.",
    )
    parent = forms.ModelChoiceField(queryset=Comment.objects.none(), required=False, widget=forms.HiddenInput)
    submit_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    # A honeypot: hidden from people by CSS and from screen readers; bots fill every field.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, discussion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = discussion.comments.all()
        limit_length(self.fields["body"])
        if not self.is_bound:
            self.initial.setdefault("submit_token", uuid.uuid4())
        if not settings.NEWSBOARD_ANONYMOUS_POSTING:
            del self.fields["anonymous"]

    def clean(self):
        cleaned = super().clean()
        if "anonymous" not in self.fields and self.data.get("anonymous"):
            # The course turned it off while the form was open: never post under a name unasked.
            raise forms.ValidationError(
                "Anonymous posting is turned off for this course, so this comment would show your "
                "name. Your text is kept below: send it again to post it under your name.",
                code="anonymous_off",
            )
        if cleaned.get("website"):
            raise forms.ValidationError(
                "This looks automated, so it was not posted. Your text is kept: send it again.",
                code="honeypot",
            )
        return cleaned


class CommentEditForm(forms.Form):
    body = forms.CharField(label="Your comment", widget=forms.Textarea(attrs={"rows": 6}), strip=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self.fields["body"])


class CommentReportForm(forms.ModelForm):
    class Meta:
        model = CommentReport
        fields = ["reason"]
        labels = {"reason": "What is wrong with this comment?"}
        widgets = {"reason": forms.Textarea(attrs={"rows": 3, "maxlength": 500})}


class SearchForm(forms.Form):
    """The board-wide search: the header's box and the search page's."""

    q = forms.CharField(
        label="Search the board",
        max_length=200,
        widget=forms.SearchInput(attrs={"placeholder": "e.g. ethics, robot, GPT-3"}),
        error_messages={
            "required": "Type a word to search for.",
            "max_length": "Searches are at most %(limit_value)d characters (this one has %(show_value)d).",
        },
    )
