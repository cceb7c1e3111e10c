<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>Actions</name>
    <message>
        <source>Wall</source>
        <translation>视频墙</translation>
    </message>
    <message>
        <source>Layouts</source>
        <translation>布局</translation>
    </message>
    <message>
        <source>Views and tours</source>
        <translation>视图与轮巡</translation>
    </message>
    <message>
        <source>Windows and language</source>
        <translation>窗口与语言</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>下一页</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>上一页</translation>
    </message>
    <message>
        <source>Focus the selected tile (main stream)</source>
        <translation>放大选中画面（主码流）</translation>
    </message>
    <message>
        <source>Back to the wall / cancel</source>
        <translation>返回视频墙 / 取消</translation>
    </message>
    <message>
        <source>Select the tile to the left</source>
        <translation>选择左侧画面</translation>
    </message>
    <message>
        <source>Select the tile to the right</source>
        <translation>选择右侧画面</translation>
    </message>
    <message>
        <source>Select the tile above</source>
        <translation>选择上方画面</translation>
    </message>
    <message>
        <source>Select the tile below</source>
        <translation>选择下方画面</translation>
    </message>
    <message>
        <source>Empty the selected tile</source>
        <translation>清空选中画面</translation>
    </message>
    <message>
        <source>Snapshot of the selected tile (PNG with time)</source>
        <translation>抓拍选中画面（PNG，带时间）</translation>
    </message>
    <message>
        <source>Time between the digits of a tile number…</source>
        <translation>画面编号输入间隔…</translation>
    </message>
    <message>
        <source>1 tile</source>
        <translation>1 分屏</translation>
    </message>
    <message>
        <source>4 tiles</source>
        <translation>4 分屏</translation>
    </message>
    <message>
        <source>9 tiles</source>
        <translation>9 分屏</translation>
    </message>
    <message>
        <source>16 tiles</source>
        <translation>16 分屏</translation>
    </message>
    <message>
        <source>25 tiles</source>
        <translation>25 分屏</translation>
    </message>
    <message>
        <source>36 tiles</source>
        <translation>36 分屏</translation>
    </message>
    <message>
        <source>64 tiles</source>
        <translation>64 分屏</translation>
    </message>
    <message>
        <source>100 tiles</source>
        <translation>100 分屏</translation>
    </message>
    <message>
        <source>120 tiles</source>
        <translation>120 分屏</translation>
    </message>
    <message>
        <source>1 large + 5</source>
        <translation>1 大 5 小</translation>
    </message>
    <message>
        <source>1 large + 7</source>
        <translation>1 大 7 小</translation>
    </message>
    <message>
        <source>2 large + 8</source>
        <translation>2 大 8 小</translation>
    </message>
    <message>
        <source>1 large + 12</source>
        <translation>1 大 12 小</translation>
    </message>
    <message>
        <source>Next layout</source>
        <translation>下一布局</translation>
    </message>
    <message>
        <source>Previous layout</source>
        <translation>上一布局</translation>
    </message>
    <message>
        <source>Edit layouts…</source>
        <translation>编辑布局…</translation>
    </message>
    <message>
        <source>Next view</source>
        <translation>下一视图</translation>
    </message>
    <message>
        <source>Previous view</source>
        <translation>上一视图</translation>
    </message>
    <message>
        <source>Save view</source>
        <translation>保存视图</translation>
    </message>
    <message>
        <source>Delete view…</source>
        <translation>删除视图…</translation>
    </message>
    <message>
        <source>Start / stop tour</source>
        <translation>开始 / 停止轮巡</translation>
    </message>
    <message>
        <source>Pause / resume tour</source>
        <translation>暂停 / 继续轮巡</translation>
    </message>
    <message>
        <source>Find a camera (name, id, grid code)</source>
        <translation>查找摄像机（名称、编号、网格码）</translation>
    </message>
    <message>
        <source>Detection zones of this camera…</source>
        <translation>本摄像机的检测区域…</translation>
    </message>
    <message>
        <source>Show / hide alerts</source>
        <translation>显示 / 隐藏告警</translation>
    </message>
    <message>
        <source>All detection boxes</source>
        <translation>全部检测框</translation>
    </message>
    <message>
        <source>Cases (list and detail)</source>
        <translation>案件（列表与详情）</translation>
    </message>
    <message>
        <source>Figures (考核评价)</source>
        <translation>考核评价</translation>
    </message>
    <message>
        <source>Make a case at the selected tile…</source>
        <translation>在选中画面上报案件…</translation>
    </message>
    <message>
        <source>Show / hide system events (camera, disk, worker faults)</source>
        <translation>显示/隐藏系统事件（摄像机、磁盘、进程故障）</translation>
    </message>
    <message>
        <source>Full screen</source>
        <translation>全屏</translation>
    </message>
    <message>
        <source>Wall only (hide panels and toolbar)</source>
        <translation>仅显示视频墙（隐藏面板和工具栏）</translation>
    </message>
    <message>
        <source>Open a wall on every other screen</source>
        <translation>在其他各屏幕上打开视频墙</translation>
    </message>
    <message>
        <source>Show / hide the camera list</source>
        <translation>显示 / 隐藏摄像机列表</translation>
    </message>
    <message>
        <source>Show / hide the side panels</source>
        <translation>显示 / 隐藏侧边面板</translation>
    </message>
    <message>
        <source>中文 / English</source>
        <translation>中文 / English</translation>
    </message>
    <message>
        <source>Change of shift (who is on duty)…</source>
        <translation>交接班（谁在值班）…</translation>
    </message>
    <message>
        <source>Find ONVIF cameras on the network…</source>
        <translation>搜索网络中的 ONVIF 摄像机…</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Voice prompts</source>
        <translation>喊话</translation>
    </message>
    <message>
        <source>Play the prompt at the selected tile or alert</source>
        <translation>向所选画面或告警处喊话</translation>
    </message>
    <message>
        <source>Choose the prompt and how many times…</source>
        <translation>选择喊话内容和遍数…</translation>
    </message>
    <message>
        <source>Stop what plays at the selected camera</source>
        <translation>停止所选摄像机处的喊话</translation>
    </message>
    <message>
        <source>Talk live while the key is held</source>
        <translation>按住讲话（松开结束）</translation>
    </message>
    <message>
        <source>Stop the voice escalation of the selected alert</source>
        <translation>停止所选告警的喊话升级</translation>
    </message>
    <message>
        <source>Skip the escalation&apos;s wait: recheck now</source>
        <translation>跳过喊话升级的等待：立即复核</translation>
    </message>
    <message>
        <source>Emergency broadcast to every speaker (shift leader)…</source>
        <translation>向全部喇叭紧急广播（值班长）…</translation>
    </message>
    <message>
        <source>Prompt library: add, listen, rename…</source>
        <translation>喊话语音库：添加、试听、改名…</translation>
    </message>
</context>
<context>
    <name>BinLabels</name>
    <message>
        <source>Teach the bin detector</source>
        <translation>样本标注</translation>
    </message>
    <message>
        <source>Select a bin and say what it looks like now (clean: detection also judges the bin against this view from now on). With a few pictures of each, retrain: the bin detector then knows this site&apos;s bins.</source>
        <translation>选中一个垃圾桶，说明它现在的样子（选“正常”时，识别从此以这个画面为该垃圾桶的干净参照）。两种情况各有几张图片后重新训练，垃圾桶识别就认得本站点的垃圾桶了。</translation>
    </message>
    <message>
        <source>&amp;Overflowing now</source>
        <translation>标记为满溢(&amp;O)</translation>
    </message>
    <message>
        <source>C&amp;lean now</source>
        <translation>标记为正常(&amp;L)</translation>
    </message>
    <message>
        <source>Re&amp;train bin detector</source>
        <translation>重新训练垃圾桶识别(&amp;T)</translation>
    </message>
    <message>
        <source>The picture was not kept: {0}</source>
        <translation>图片未保存：{0}</translation>
    </message>
    <message>
        <source>Picture kept: {0}</source>
        <translation>图片已保存：{0}</translation>
    </message>
    <message>
        <source>Retraining…</source>
        <translation>正在重新训练…</translation>
    </message>
    <message>
        <source>Retraining needs at least {0} pictures of each kind.</source>
        <translation>重新训练需要每种情况至少 {0} 张图片。</translation>
    </message>
    <message>
        <source>Retraining failed: {0}</source>
        <translation>重新训练失败：{0}</translation>
    </message>
    <message>
        <source>{0:.0%} right on pictures it did not learn from.</source>
        <translation>对未参与训练的图片判断正确率 {0:.0%}。</translation>
    </message>
    <message>
        <source>Retrained in {0:.1f} s from {1} pictures; in use now. {2}</source>
        <translation>已用 {1} 张图片重新训练（{0:.1f} 秒），现已启用。{2}</translation>
    </message>
    <message>
        <source>This site&apos;s pictures: {0} overflowing, {1} clean</source>
        <translation>本站点图片：满溢 {0} 张，正常 {1} 张</translation>
    </message>
    <message>
        <source>Select a bin zone first</source>
        <translation>请先选中一个垃圾桶区域</translation>
    </message>
</context>
<context>
    <name>Cases</name>
    <message>
        <source>New case at {0}</source>
        <translation>在 {0} 新建案件</translation>
    </message>
    <message>
        <source>Find a category: code or words</source>
        <translation>查找类别：编码或名称</translation>
    </message>
    <message>
        <source>No category matches these words.</source>
        <translation>没有与这些字词匹配的类别。</translation>
    </message>
    <message>
        <source>What is seen, where exactly</source>
        <translation>看到了什么，具体位置</translation>
    </message>
    <message>
        <source>unit grid code</source>
        <translation>单元网格编码</translation>
    </message>
    <message>
        <source>Make the case</source>
        <translation>新建案件</translation>
    </message>
    <message>
        <source>Category:</source>
        <translation>类别：</translation>
    </message>
    <message>
        <source>Description:</source>
        <translation>描述：</translation>
    </message>
    <message>
        <source>Grid:</source>
        <translation>网格：</translation>
    </message>
    <message>
        <source>No snapshot</source>
        <translation>无抓拍图</translation>
    </message>
    <message>
        <source>The snapshot could not be read</source>
        <translation>抓拍图无法读取</translation>
    </message>
    <message>
        <source>Loading the picture…</source>
        <translation>正在载入图片…</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>案件号</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>处置部门</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>处理时限</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>上报</translation>
    </message>
    <message>
        <source>Latest note</source>
        <translation>最新说明</translation>
    </message>
    <message>
        <source>City platform</source>
        <translation>上报平台</translation>
    </message>
    <message>
        <source>Choose a case in the list.</source>
        <translation>请在列表中选择一个案件。</translation>
    </message>
    <message>
        <source>{0}:</source>
        <translation>{0}：</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>人员</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>处理过程</translation>
    </message>
    <message>
        <source>Evidence ({0})</source>
        <translation>证据（{0}）</translation>
    </message>
    <message>
        <source>{0}, waiting: {1}</source>
        <translation>{0}，待审批：{1}</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>{0} (chosen by {1})</source>
        <translation>{0}（{1} 指定）</translation>
    </message>
    <message>
        <source>suggested: {0}</source>
        <translation>建议：{0}</translation>
    </message>
    <message>
        <source>not chosen yet</source>
        <translation>尚未指定</translation>
    </message>
    <message>
        <source>{0} {1} by {2} ({3})</source>
        <translation>{0} {1}，{2}（{3}）</translation>
    </message>
    <message>
        <source>; seen {0} times</source>
        <translation>；共发现 {0} 次</translation>
    </message>
    <message>
        <source>sent once filed</source>
        <translation>立案后发送</translation>
    </message>
    <message>
        <source>nothing sent</source>
        <translation>未发送</translation>
    </message>
    <message>
        <source>version {0} delivered {1}</source>
        <translation>第 {0} 版已送达（{1}）</translation>
    </message>
    <message>
        <source>version {0} refused by the platform: {1}</source>
        <translation>第 {0} 版被平台拒收：{1}</translation>
    </message>
    <message>
        <source>version {0} waiting, {1} tries so far (last: {2})</source>
        <translation>第 {0} 版等待重发，已试 {1} 次（最近：{2}）</translation>
    </message>
    <message>
        <source>version {0} waiting to be sent</source>
        <translation>第 {0} 版等待发送</translation>
    </message>
    <message>
        <source>starts at dispatch</source>
        <translation>派遣时开始计时</translation>
    </message>
    <message>
        <source>starts at dispatch ({0})</source>
        <translation>派遣时开始计时（{0}）</translation>
    </message>
    <message>
        <source>the clock is stopped</source>
        <translation>缓办中，停止计时</translation>
    </message>
    <message>
        <source>{0} ({1})</source>
        <translation>{0}（{1}）</translation>
    </message>
    <message>
        <source>{0:g} working hours</source>
        <translation>{0:g} 工作时</translation>
    </message>
    <message>
        <source>{0:g} urgent hours</source>
        <translation>{0:g} 紧急工作时</translation>
    </message>
    <message>
        <source>{0:g} working days</source>
        <translation>{0:g} 工作日</translation>
    </message>
    <message>
        <source>deferral asked by {0}: {1}</source>
        <translation>{0} 申请缓办：{1}</translation>
    </message>
    <message>
        <source>extension of {0:g} asked by {1}: {2}</source>
        <translation>{1} 申请延期 {0:g}：{2}</translation>
    </message>
    <message>
        <source>Times in {0}</source>
        <translation>时间为 {0}</translation>
    </message>
    <message>
        <source>What the department did (required):</source>
        <translation>处置情况（必填）：</translation>
    </message>
    <message>
        <source>Reason (required):</source>
        <translation>理由（必填）：</translation>
    </message>
    <message>
        <source>Note (optional):</source>
        <translation>说明（选填）：</translation>
    </message>
    <message>
        <source>{0}: case {1}</source>
        <translation>{0}：案件 {1}</translation>
    </message>
    <message>
        <source>Department:</source>
        <translation>处置部门：</translation>
    </message>
    <message>
        <source>Suggested by the routing table: {0}</source>
        <translation>派遣匹配建议：{0}</translation>
    </message>
    <message>
        <source>no time limit known for this category</source>
        <translation>该类别没有处理时限</translation>
    </message>
    <message>
        <source>Deadline if dispatched now:</source>
        <translation>现在派遣的处理时限：</translation>
    </message>
    <message>
        <source>Extend by:</source>
        <translation>延期：</translation>
    </message>
    <message>
        <source>{0} asks: {1}</source>
        <translation>{0} 申请：{1}</translation>
    </message>
    <message>
        <source>Request:</source>
        <translation>申请：</translation>
    </message>
    <message>
        <source>Choose a picture…</source>
        <translation>选择图片…</translation>
    </message>
    <message>
        <source>no picture</source>
        <translation>无图片</translation>
    </message>
    <message>
        <source>Picture (optional):</source>
        <translation>图片（选填）：</translation>
    </message>
    <message>
        <source>Picture</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>Pictures ({0})</source>
        <translation>图片（{0}）</translation>
    </message>
    <message>
        <source>working hours</source>
        <translation>工作时</translation>
    </message>
    <message>
        <source>urgent hours</source>
        <translation>紧急工作时</translation>
    </message>
    <message>
        <source>working days</source>
        <translation>工作日</translation>
    </message>
    <message>
        <source>{0}, taken {1}</source>
        <translation>{0}，拍摄于 {1}</translation>
    </message>
    <message>
        <source>clip</source>
        <translation>录像</translation>
    </message>
    <message>
        <source>picture</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>{0} {1}
{2}</source>
        <translation>{0}{1}
{2}</translation>
    </message>
    <message>
        <source>No report picture</source>
        <translation>无上报图片</translation>
    </message>
    <message>
        <source>No feedback or check picture yet</source>
        <translation>尚无反馈或核查图片</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>处置前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>处置后</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <source>Double-click to open</source>
        <translation>双击打开</translation>
    </message>
    <message>
        <source>The picture could not be read: {0}</source>
        <translation>图片无法读取：{0}</translation>
    </message>
    <message>
        <source>Evidence of case {0}</source>
        <translation>案件 {0} 的证据</translation>
    </message>
    <message>
        <source>No clip goes with this picture.</source>
        <translation>此图片没有对应的录像。</translation>
    </message>
    <message>
        <source>No picture goes with this clip.</source>
        <translation>此录像没有对应的图片。</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>未结案件</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <source>All departments</source>
        <translation>全部部门</translation>
    </message>
    <message>
        <source>All sources</source>
        <translation>全部来源</translation>
    </message>
    <message>
        <source>Grid code (start)</source>
        <translation>网格编码（前几位）</translation>
    </message>
    <message>
        <source>Overdue only</source>
        <translation>只看超期</translation>
    </message>
    <message>
        <source>Search: number, address, description (Ctrl+F)</source>
        <translation>搜索：案件号、地址、描述（Ctrl+F）</translation>
    </message>
    <message>
        <source>Search the cases</source>
        <translation>搜索案件</translation>
    </message>
    <message>
        <source>Read the list again</source>
        <translation>重新读取列表</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>下一页</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>上一页</translation>
    </message>
    <message>
        <source>Open the report picture and clip</source>
        <translation>打开上报图片和录像</translation>
    </message>
    <message>
        <source>Show or hide these keys</source>
        <translation>显示或隐藏这些快捷键</translation>
    </message>
    <message>
        <source>Case commands (only those allowed now are shown)</source>
        <translation>案件操作（只显示当前可用的）</translation>
    </message>
    <message>
        <source>Case window</source>
        <translation>案件窗口</translation>
    </message>
    <message>
        <source>Supervision</source>
        <translation>督办</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Reported at</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>The cases could not be read: {0}</source>
        <translation>案件无法读取：{0}</translation>
    </message>
    <message>
        <source>more than {0} cases</source>
        <translation>超过 {0} 件</translation>
    </message>
    <message>
        <source>{0} cases</source>
        <translation>共 {0} 件</translation>
    </message>
    <message>
        <source>page {0} / {1}</source>
        <translation>第 {0} / {1} 页</translation>
    </message>
    <message>
        <source>Saving: {0}…</source>
        <translation>正在保存：{0}…</translation>
    </message>
    <message>
        <source>Making the case…</source>
        <translation>正在新建案件…</translation>
    </message>
    <message>
        <source>Case {0} made: {1}.</source>
        <translation>案件 {0} 已新建：{1}。</translation>
    </message>
    <message>
        <source>No case was made from this alert (yet).</source>
        <translation>此告警（尚）未生成案件。</translation>
    </message>
    <message>
        <source>Case {0} is not in the store.</source>
        <translation>案件库中没有案件 {0}。</translation>
    </message>
    <message>
        <source>Case {0} is shown; the list&apos;s filters leave it out.</source>
        <translation>已显示案件 {0}；它不在当前筛选的列表中。</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>Filed</source>
        <translation>已立案</translation>
    </message>
    <message>
        <source>Not filed</source>
        <translation>不予立案</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>已派遣</translation>
    </message>
    <message>
        <source>Being handled</source>
        <translation>处置中</translation>
    </message>
    <message>
        <source>Reported back</source>
        <translation>已反馈</translation>
    </message>
    <message>
        <source>Checked</source>
        <translation>核查通过</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已结案</translation>
    </message>
    <message>
        <source>Deferred</source>
        <translation>缓办</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>File</source>
        <translation>立案</translation>
    </message>
    <message>
        <source>Do not file</source>
        <translation>不予立案</translation>
    </message>
    <message>
        <source>Dispatch</source>
        <translation>派遣</translation>
    </message>
    <message>
        <source>Dispatch to another department</source>
        <translation>改派</translation>
    </message>
    <message>
        <source>Handling started</source>
        <translation>开始处置</translation>
    </message>
    <message>
        <source>Report back</source>
        <translation>反馈</translation>
    </message>
    <message>
        <source>Check passed</source>
        <translation>核查通过</translation>
    </message>
    <message>
        <source>Return for rework</source>
        <translation>返工</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>结案</translation>
    </message>
    <message>
        <source>Ask to defer</source>
        <translation>申请缓办</translation>
    </message>
    <message>
        <source>Ask for an extension</source>
        <translation>申请延期</translation>
    </message>
    <message>
        <source>Approve the request</source>
        <translation>批准申请</translation>
    </message>
    <message>
        <source>Refuse the request</source>
        <translation>驳回申请</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>恢复处置</translation>
    </message>
    <message>
        <source>Seen again</source>
        <translation>再次发现</translation>
    </message>
    <message>
        <source>Add a picture</source>
        <translation>添加图片</translation>
    </message>
    <message>
        <source>Case {0} filed.</source>
        <translation>案件 {0} 已立案。</translation>
    </message>
    <message>
        <source>Case {0} not filed.</source>
        <translation>案件 {0} 不予立案。</translation>
    </message>
    <message>
        <source>Case {0} dispatched.</source>
        <translation>案件 {0} 已派遣。</translation>
    </message>
    <message>
        <source>Case {0} dispatched to another department.</source>
        <translation>案件 {0} 已改派。</translation>
    </message>
    <message>
        <source>Case {0}: handling started.</source>
        <translation>案件 {0}：已开始处置。</translation>
    </message>
    <message>
        <source>Case {0}: reported back.</source>
        <translation>案件 {0}：已反馈。</translation>
    </message>
    <message>
        <source>Case {0}: check passed.</source>
        <translation>案件 {0}：核查通过。</translation>
    </message>
    <message>
        <source>Case {0} returned for rework.</source>
        <translation>案件 {0} 已返工。</translation>
    </message>
    <message>
        <source>Case {0} closed.</source>
        <translation>案件 {0} 已结案。</translation>
    </message>
    <message>
        <source>Case {0}: deferral requested.</source>
        <translation>案件 {0}：已申请缓办。</translation>
    </message>
    <message>
        <source>Case {0}: extension requested.</source>
        <translation>案件 {0}：已申请延期。</translation>
    </message>
    <message>
        <source>Case {0}: request approved.</source>
        <translation>案件 {0}：申请已批准。</translation>
    </message>
    <message>
        <source>Case {0}: request refused.</source>
        <translation>案件 {0}：申请已驳回。</translation>
    </message>
    <message>
        <source>Case {0} resumed.</source>
        <translation>案件 {0} 已恢复处置。</translation>
    </message>
    <message>
        <source>Case {0}: picture added.</source>
        <translation>案件 {0}：已添加图片。</translation>
    </message>
    <message>
        <source>Case {0} saved.</source>
        <translation>案件 {0} 已保存。</translation>
    </message>
    <message>
        <source>Deferral approved</source>
        <translation>批准缓办</translation>
    </message>
    <message>
        <source>Extension approved</source>
        <translation>批准延期</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>座席员</translation>
    </message>
    <message>
        <source>Shift leader</source>
        <translation>值班长</translation>
    </message>
    <message>
        <source>, </source>
        <comment>a list&apos;s separator</comment>
        <translation>、</translation>
    </message>
    <message>
        <source>Detection</source>
        <translation>检测</translation>
    </message>
    <message>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>Alert raised</source>
        <translation>告警产生</translation>
    </message>
    <message>
        <source>Seen again by detection</source>
        <translation>再次检测到</translation>
    </message>
    <message>
        <source>Target gone (cleared by itself)</source>
        <translation>目标已离开（自动解除）</translation>
    </message>
    <message>
        <source>Alert taken</source>
        <translation>告警已签收</translation>
    </message>
    <message>
        <source>Alert assigned</source>
        <translation>告警已指派</translation>
    </message>
    <message>
        <source>Alert sent to the shift leader</source>
        <translation>告警已上报值班长</translation>
    </message>
    <message>
        <source>Confirmed violation</source>
        <translation>已确认违规</translation>
    </message>
    <message>
        <source>Dismissed as false</source>
        <translation>误报已排除</translation>
    </message>
    <message>
        <source>Alert muted</source>
        <translation>告警已静音</translation>
    </message>
    <message>
        <source>Mute ended</source>
        <translation>静音结束</translation>
    </message>
    <message>
        <source>Evidence kept</source>
        <translation>证据已保存</translation>
    </message>
    <message>
        <source>Voice prompt</source>
        <translation>喊话</translation>
    </message>
    <message>
        <source>Voice prompt reached the speakers</source>
        <translation>喊话已送达喇叭</translation>
    </message>
    <message>
        <source>Voice prompt reached {0} of {1} speakers</source>
        <translation>喊话送达 {0}/{1} 个喇叭</translation>
    </message>
    <message>
        <source>Voice prompt reached no speaker</source>
        <translation>喊话未送达任何喇叭</translation>
    </message>
    <message>
        <source>no speaker</source>
        <translation>无喇叭</translation>
    </message>
    <message>
        <source>“{0}” to {1}</source>
        <translation>“{0}” → {1}</translation>
    </message>
    <message>
        <source>Prompt {0} of the escalation: {1}</source>
        <translation>升级流程第 {0} 次喊话：{1}</translation>
    </message>
    <message>
        <source>{0}; not reached: {1}</source>
        <translation>{0}；未送达：{1}</translation>
    </message>
    <message>
        <source>{0}: reached</source>
        <translation>{0}：已送达</translation>
    </message>
    <message>
        <source>snapshot</source>
        <translation>抓拍</translation>
    </message>
    <message>
        <source>snapshot when gone</source>
        <translation>消失时抓拍</translation>
    </message>
    <message>
        <source>voice prompt recording</source>
        <translation>喊话录音</translation>
    </message>
    <message>
        <source>Alert {0}</source>
        <translation>告警 {0}</translation>
    </message>
    <message>
        <source>Video monitoring</source>
        <translation>视频监控</translation>
    </message>
    <message>
        <source>Made at a tile</source>
        <translation>画面手动上报</translation>
    </message>
    <message>
        <source>Imported</source>
        <translation>外部导入</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>上报</translation>
    </message>
    <message>
        <source>Feedback</source>
        <translation>反馈</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>核查</translation>
    </message>
    <message>
        <source>On time</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Due soon</source>
        <translation>即将超期</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <source>{0} d {1} h</source>
        <translation>{0} 天 {1} 小时</translation>
    </message>
    <message>
        <source>{0} h {1} min</source>
        <translation>{0} 小时 {1} 分钟</translation>
    </message>
    <message>
        <source>{0} min</source>
        <translation>{0} 分钟</translation>
    </message>
    <message>
        <source>overdue by {0}</source>
        <translation>超期 {0}</translation>
    </message>
    <message>
        <source>reported back in time</source>
        <translation>按期反馈</translation>
    </message>
    <message>
        <source>{0} left</source>
        <translation>剩余 {0}</translation>
    </message>
    <message>
        <source>the disk is full</source>
        <translation>磁盘已满</translation>
    </message>
    <message>
        <source>the database is read-only</source>
        <translation>数据库只读</translation>
    </message>
    <message>
        <source>the database is busy at another workstation</source>
        <translation>数据库正被其他工作站占用</translation>
    </message>
    <message>
        <source>the database server cannot be reached</source>
        <translation>无法连接数据库服务器</translation>
    </message>
    <message>
        <source>the database file is damaged</source>
        <translation>数据库文件已损坏</translation>
    </message>
    <message>
        <source>the database refused it</source>
        <translation>数据库拒绝写入</translation>
    </message>
    <message>
        <source>A case with this number exists already; nothing was saved.</source>
        <translation>已有相同编号的案件；未保存任何内容。</translation>
    </message>
    <message>
        <source>The case was changed by {0}; it has been reloaded. Please do it again.</source>
        <translation>案件已被 {0} 修改，已重新载入；请重新操作。</translation>
    </message>
    <message>
        <source>The case was changed at another workstation; it has been reloaded. Please do it again.</source>
        <translation>案件已在其他工作站被修改，已重新载入；请重新操作。</translation>
    </message>
    <message>
        <source>As {0} you may not do this ({1}); nothing was changed.</source>
        <translation>{0}无权执行此操作（{1}）；未做任何修改。</translation>
    </message>
    <message>
        <source>The case is {0}: “{1}” is not possible now; nothing was changed.</source>
        <translation>案件状态为“{0}”，现在不能“{1}”；未做任何修改。</translation>
    </message>
    <message>
        <source>A reason is needed; nothing was changed.</source>
        <translation>需要填写理由；未做任何修改。</translation>
    </message>
    <message>
        <source>Not saved: {0} ({1}). Nothing was changed; try again.</source>
        <translation>未保存：{0}（{1}）。未做任何修改，请重试。</translation>
    </message>
    <message>
        <source>Not known here: {0}; nothing was changed.</source>
        <translation>未知：{0}；未做任何修改。</translation>
    </message>
    <message>
        <source>Not saved: {0}</source>
        <translation>未保存：{0}</translation>
    </message>
    <message>
        <source>The picture could not be encoded</source>
        <translation>图片无法编码</translation>
    </message>
    <message>
        <source>Figures (考核评价)</source>
        <translation>考核评价</translation>
    </message>
    <message>
        <source>Select a tile with a picture first</source>
        <translation>请先选中有图像的画面</translation>
    </message>
    <message>
        <source>The picture could not be kept: {0}</source>
        <translation>图片未能保存：{0}</translation>
    </message>
    <message>
        <source>No evidence folder</source>
        <translation>没有证据文件夹</translation>
    </message>
    <message>
        <source>Only JPEG and PNG pictures can be attached</source>
        <translation>只能附加 JPEG 或 PNG 图片</translation>
    </message>
    <message>
        <source>Urgent case</source>
        <translation>紧急案件</translation>
    </message>
    <message>
        <source>Save the changes</source>
        <translation>保存修改</translation>
    </message>
    <message>
        <source>Address:</source>
        <translation>地址：</translation>
    </message>
    <message>
        <source>The overdue sound cannot be made: {0}</source>
        <translation>无法生成超期提示音：{0}</translation>
    </message>
    <message>
        <source>Overdue sound</source>
        <translation>超期提示音</translation>
    </message>
    <message>
        <source>A tone when a case goes overdue (click to mute)</source>
        <translation>案件超期时响提示音（点击静音）</translation>
    </message>
    <message>
        <source>Overdue sound muted (click to turn it on)</source>
        <translation>超期提示音已静音（点击开启）</translation>
    </message>
    <message>
        <source>No sound device plays the overdue tone: check the speakers.</source>
        <translation>没有可播放超期提示音的声音设备：请检查扬声器。</translation>
    </message>
    <message>
        <source>Show it</source>
        <translation>查看</translation>
    </message>
    <message>
        <source>Got it</source>
        <translation>知道了</translation>
    </message>
    <message>
        <source>Case {0} is overdue ({1})</source>
        <translation>案件 {0} 已超期（{1}）</translation>
    </message>
    <message>
        <source>Case {0} is overdue</source>
        <translation>案件 {0} 已超期</translation>
    </message>
    <message>
        <source>; {0} more overdue</source>
        <translation>；另有 {0} 件超期</translation>
    </message>
    <message>
        <source>Choose a case first</source>
        <translation>请先选择一个案件</translation>
    </message>
    <message>
        <source>Print report (PDF)</source>
        <translation>打印案件报告（PDF）</translation>
    </message>
    <message>
        <source>Export case files…</source>
        <translation>导出案件文件…</translation>
    </message>
    <message>
        <source>Figures</source>
        <translation>考核评价</translation>
    </message>
</context>
<context>
    <name>Detection</name>
    <message>
        <source>waiting for the first check</source>
        <translation>等待首次检测</translation>
    </message>
    <message>
        <source>checked every {0} s</source>
        <translation>每 {0} 秒检测一次</translation>
    </message>
    <message>
        <source>paused: moving or off preset</source>
        <translation>暂停：转动中或不在预置位</translation>
    </message>
    <message>
        <source>stationary object</source>
        <translation>静止物体</translation>
    </message>
    <message>
        <source>street vendor</source>
        <translation>流动摊贩</translation>
    </message>
    <message>
        <source>stall</source>
        <translation>摊位</translation>
    </message>
    <message>
        <source>cart</source>
        <translation>推车</translation>
    </message>
    <message>
        <source>tricycle</source>
        <translation>三轮车</translation>
    </message>
    <message>
        <source>umbrella</source>
        <translation>遮阳伞</translation>
    </message>
    <message>
        <source>goods</source>
        <translation>货物</translation>
    </message>
    <message>
        <source>person</source>
        <translation>行人</translation>
    </message>
    <message>
        <source>detection off in the site settings</source>
        <translation>检测已关闭：站点设置中未启用检测</translation>
    </message>
    <message>
        <source>detection off: no room for its pictures</source>
        <translation>检测已关闭：没有存放检测画面的空间</translation>
    </message>
    <message>
        <source>detection off: a detector could not be loaded</source>
        <translation>检测已关闭：检测器无法加载</translation>
    </message>
    <message>
        <source>detection off: the site&apos;s detection settings are wrong</source>
        <translation>检测已关闭：站点的检测设置有误</translation>
    </message>
    <message>
        <source>not watched: no zones drawn for this view</source>
        <translation>未布控：此画面未划检测区域</translation>
    </message>
    <message>
        <source>paused: warming up ({0} s)</source>
        <translation>暂停：预热中（{0} 秒）</translation>
    </message>
    <message>
        <source>not watched: no zones drawn for preset {0}</source>
        <translation>未布控：预置位 {0} 未划检测区域</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>detection diagnostics: {0:.0f} ms per check</source>
        <translation>检测诊断：每次检测 {0:.0f} 毫秒</translation>
    </message>
    <message>
        <source>paused: no picture</source>
        <translation>暂停：无画面</translation>
    </message>
    <message>
        <source>detection off</source>
        <translation>检测已关闭</translation>
    </message>
    <message>
        <source>camera disabled</source>
        <translation>摄像机已停用</translation>
    </message>
    <message>
        <source>detection: {0} camera(s) checked</source>
        <translation>检测：{0} 路</translation>
    </message>
    <message>
        <source>every {0} s</source>
        <translation>每 {0} 秒</translation>
    </message>
    <message>
        <source>{0} paused</source>
        <translation>{0} 路暂停</translation>
    </message>
    <message>
        <source>{0} not watched</source>
        <translation>{0} 路未布控</translation>
    </message>
</context>
<context>
    <name>DiscoveryDialog</name>
    <message>
        <source>Search for cameras</source>
        <translation>搜索设备</translation>
    </message>
    <message>
        <source>&amp;Search again</source>
        <translation>重新搜索(&amp;S)</translation>
    </message>
    <message>
        <source>Search the network again (F5)</source>
        <translation>重新搜索网络（F5）</translation>
    </message>
    <message>
        <source>Ready: PTZ (presets not read), {0} stream profiles</source>
        <translation>就绪：有云台（未能读取预置位），{0} 个码流配置</translation>
    </message>
    <message>
        <source>Ready: PTZ with {0} presets, {1} stream profiles</source>
        <translation>就绪：有云台，{0} 个预置位，{1} 个码流配置</translation>
    </message>
    <message>
        <source>Presets: {0}</source>
        <translation>预置位：{0}</translation>
    </message>
    <message>
        <source>Camera id</source>
        <translation>摄像机编号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>型号</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>In site</source>
        <translation>已在站点</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>情况</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Add the selected cameras</source>
        <translation>添加选中的摄像机</translation>
    </message>
    <message>
        <source>&amp;User name</source>
        <translation>用户名(&amp;U)</translation>
    </message>
    <message>
        <source>Password &amp;variable</source>
        <translation>密码环境变量(&amp;V)</translation>
    </message>
    <message>
        <source>Pass&amp;word (check only)</source>
        <translation>密码（仅供检查）(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Group</source>
        <translation>分组(&amp;G)</translation>
    </message>
    <message>
        <source>The site file names this environment variable; set it to the password on every workstation that runs CityWall. The password itself is never saved.</source>
        <translation>站点文件只记录此环境变量的名称；请在每台运行 CityWall 的座席机上把它设为密码。密码本身从不保存。</translation>
    </message>
    <message>
        <source>Used only now, to log in to the cameras; never saved. Empty: the variable&apos;s value.</source>
        <translation>仅此刻用于登录摄像机，从不保存。留空则使用环境变量的值。</translation>
    </message>
    <message>
        <source>&amp;Check login</source>
        <translation>检查登录(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Add to site</source>
        <translation>添加到站点(&amp;A)</translation>
    </message>
    <message>
        <source>This site is read-only (demo): cameras can be found and checked, not added. Start CityWall with a site file to add them.</source>
        <translation>本站点为只读（演示）：可以搜索和检查摄像机，但不能添加。请用站点文件启动 CityWall 后再添加。</translation>
    </message>
    <message>
        <source>The site file has problems; fix them before adding cameras:
{0}</source>
        <translation>站点文件有问题，请先修正再添加摄像机：
{0}</translation>
    </message>
    <message>
        <source>(no group)</source>
        <translation>（不分组）</translation>
    </message>
    <message>
        <source>The search failed: {0}</source>
        <translation>搜索失败：{0}</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>停止(&amp;T)</translation>
    </message>
    <message>
        <source>Add&amp;resses</source>
        <translation>地址(&amp;R)</translation>
    </message>
    <message>
        <source>e.g. 10.1.2.30, 10.1.2.0/24, 10.1.2.10-40, 10.1.2.31:8899</source>
        <translation>例如 10.1.2.30, 10.1.2.0/24, 10.1.2.10-40, 10.1.2.31:8899</translation>
    </message>
    <message>
        <source>An address, a range (at most 256 addresses, a /24) or a list, separated by commas. Each is asked for its ONVIF device service on the ports given.</source>
        <translation>一个地址、一个地址段（最多 256 个地址，即一个 /24）或用逗号分隔的多个地址。逐个在所填端口上询问 ONVIF 设备服务。</translation>
    </message>
    <message>
        <source>P&amp;orts</source>
        <translation>端口(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Probe</source>
        <translation>探测(&amp;P)</translation>
    </message>
    <message>
        <source>The probe failed: {0}</source>
        <translation>探测失败：{0}</translation>
    </message>
    <message>
        <source>No camera answered. Cameras on another subnet do not hear the search: type their addresses in Addresses and press Probe.</source>
        <translation>无摄像机应答。其他网段的摄像机收不到搜索：请在“地址”中填写它们的地址，再按“探测”。</translation>
    </message>
    <message>
        <source>{0} answer(s) not understood: see the list below.</source>
        <translation>{0} 条应答未能识别：见下方列表。</translation>
    </message>
    <message>
        <source>Probe stopped: {0} camera(s) found so far.</source>
        <translation>探测已停止：已发现 {0} 台摄像机。</translation>
    </message>
    <message>
        <source>Probed {0} address(es): {1} camera(s) found, {2} answer(s) not understood, {3} address(es) in ranges without an answer.</source>
        <translation>已探测 {0} 个地址：发现 {1} 台摄像机，{2} 条应答未能识别，地址段中 {3} 个地址无应答。</translation>
    </message>
    <message>
        <source>Searching… {0} found</source>
        <translation>正在搜索… 已发现 {0} 台</translation>
    </message>
    <message>
        <source>Probing… {0} found</source>
        <translation>正在探测… 已发现 {0} 台</translation>
    </message>
    <message>
        <source>Search failed</source>
        <translation>搜索失败</translation>
    </message>
    <message>
        <source>Stopped: {0} found</source>
        <translation>已停止：发现 {0} 台</translation>
    </message>
    <message>
        <source>No camera answered</source>
        <translation>无摄像机应答</translation>
    </message>
    <message>
        <source>{0} found</source>
        <translation>已发现 {0} 台</translation>
    </message>
    <message>
        <source>Answers not understood: {0}</source>
        <translation>未能识别的应答：{0}</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>Added as {0}</source>
        <translation>已添加为 {0}</translation>
    </message>
    <message>
        <source>Checking login…</source>
        <translation>正在检查登录…</translation>
    </message>
    <message>
        <source>Failed: {0}</source>
        <translation>失败：{0}</translation>
    </message>
    <message>
        <source>Ready: {0} stream profiles, no PTZ</source>
        <translation>就绪：{0} 个码流配置，无云台</translation>
    </message>
    <message>
        <source>Login not checked</source>
        <translation>未检查登录</translation>
    </message>
    <message>
        <source>Enter the cameras&apos; user name.</source>
        <translation>请输入摄像机的用户名。</translation>
    </message>
    <message>
        <source>Enter the name of the environment variable that holds the password.</source>
        <translation>请输入保存密码的环境变量名称。</translation>
    </message>
    <message>
        <source>“{0}” is not an environment variable name: use letters A-Z, digits and _, not starting with a digit (e.g. CITYWALL_CAMERA_PASSWORD).</source>
        <translation>“{0}”不是有效的环境变量名：只能用字母 A-Z、数字和 _，且不能以数字开头（例如 CITYWALL_CAMERA_PASSWORD）。</translation>
    </message>
    <message>
        <source>internal error ({0})</source>
        <translation>内部错误（{0}）</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <source>Writing the site file…</source>
        <translation>正在写入站点文件…</translation>
    </message>
    <message>
        <source>Check the login of these cameras first: {0}</source>
        <translation>请先检查这些摄像机的登录：{0}</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>Camera id “{0}”: use 1-64 letters A-Z, digits, _ . -, starting with a letter or digit.</source>
        <translation>摄像机编号“{0}”：请用 1-64 个字母 A-Z、数字或 _ . -，并以字母或数字开头。</translation>
    </message>
    <message>
        <source>Camera id “{0}” is already used: choose another.</source>
        <translation>摄像机编号“{0}”已被使用，请另选一个。</translation>
    </message>
    <message>
        <source>Camera id “{0}”: give the camera a name.</source>
        <translation>摄像机编号“{0}”：请填写摄像机名称。</translation>
    </message>
    <message>
        <source>Camera id “{0}”: the name is longer than 120 characters.</source>
        <translation>摄像机编号“{0}”：名称超过 120 个字符。</translation>
    </message>
    <message>
        <source>Looks for ONVIF cameras on this workstation&apos;s network. Cameras on other subnets do not hear the search: probe their addresses below. Select cameras, check their login, then add them to the site. F2 edits a camera&apos;s id or name.</source>
        <translation>在本座席机所在网络中搜索 ONVIF 摄像机。其他网段的摄像机收不到搜索：请在下方按地址探测。选中摄像机，检查登录，再添加到站点。按 F2 可修改摄像机编号或名称。</translation>
    </message>
    <message>
        <source>camera refused the login (check the user name and password)</source>
        <translation>摄像机拒绝登录（请检查用户名和密码）</translation>
    </message>
    <message>
        <source>Not added: the site file has problems; fix them first:
{0}</source>
        <translation>未添加：站点文件有问题，请先修正：
{0}</translation>
    </message>
    <message>
        <source>Not added: {0}</source>
        <translation>未添加：{0}</translation>
    </message>
    <message>
        <source>Not added: internal error ({0})</source>
        <translation>未添加：内部错误（{0}）</translation>
    </message>
    <message>
        <source>Added to {0}: {1} ({2} with PTZ, {3} presets). They appear on the wall once the site is reloaded.</source>
        <translation>已添加到 {0}：{1}（{2} 台有云台，共 {3} 个预置位）。重新加载站点后即在电视墙上显示。</translation>
    </message>
    <message>
        <source>{0} is set on this workstation. The site file stores only its name.</source>
        <translation>本机已设置 {0}。站点文件只保存变量名。</translation>
    </message>
    <message>
        <source>{0} is not set here: type the password below to check the login, and set {0} wherever CityWall runs. The site file stores only its name.</source>
        <translation>本机未设置 {0}：请在下方输入密码检查登录，并在每台运行 CityWall 的机器上设置 {0}。站点文件只保存变量名。</translation>
    </message>
    <message>
        <source>(the variable&apos;s value)</source>
        <translation>（使用环境变量的值）</translation>
    </message>
    <message>
        <source>(only to check now; never saved)</source>
        <translation>（仅用于此次检查，从不保存）</translation>
    </message>
    <message>
        <source>Answered the search with something that is not XML</source>
        <translation>对搜索的应答不是 XML</translation>
    </message>
    <message>
        <source>Answered the search, but not with a WS-Discovery ProbeMatches</source>
        <translation>对搜索的应答不是 WS-Discovery 的 ProbeMatches</translation>
    </message>
    <message>
        <source>Answered the search without an http address to reach it at</source>
        <translation>对搜索的应答中没有可访问的 HTTP 地址</translation>
    </message>
    <message>
        <source>Answer does not follow WS-Discovery; the camera is listed anyway</source>
        <translation>应答不符合 WS-Discovery 规范；摄像机仍已列出</translation>
    </message>
    <message>
        <source>No answer on any of the ports</source>
        <translation>所有端口均无应答</translation>
    </message>
    <message>
        <source>Unknown host name</source>
        <translation>未知的主机名</translation>
    </message>
    <message>
        <source>Takes connections but does not speak HTTP</source>
        <translation>接受连接，但不是 HTTP 服务</translation>
    </message>
    <message>
        <source>A web server, but not an ONVIF device service</source>
        <translation>是网页服务器，但不是 ONVIF 设备服务</translation>
    </message>
    <message>
        <source>Took the connection but did not answer in time</source>
        <translation>接受了连接，但未及时应答</translation>
    </message>
    <message>
        <source>Asks for a login before answering: enter the user name and password, probe again</source>
        <translation>须先登录才应答：请填写用户名和密码后再探测</translation>
    </message>
    <message>
        <source>Asks for a login and refused the one given</source>
        <translation>要求登录，且拒绝了所填的用户名和密码</translation>
    </message>
    <message>
        <source>Not allowed to reach this address from this workstation</source>
        <translation>本座席机不允许访问此地址</translation>
    </message>
    <message>
        <source>Type the addresses to probe, e.g. 10.1.2.30, 10.1.2.0/24 or 10.1.2.10-40.</source>
        <translation>请填写要探测的地址，例如 10.1.2.30、10.1.2.0/24 或 10.1.2.10-40。</translation>
    </message>
    <message>
        <source>“{0}” is not an address, a range or a subnet.</source>
        <translation>“{0}”不是地址、地址段或子网。</translation>
    </message>
    <message>
        <source>“{0}” is not a port (1-65535).</source>
        <translation>“{0}”不是端口号（1-65535）。</translation>
    </message>
    <message>
        <source>The range “{0}” ends before it starts.</source>
        <translation>地址段“{0}”的结束地址在起始地址之前。</translation>
    </message>
    <message>
        <source>“{0}” has {1} addresses; probe at most {2} at a time (a /24).</source>
        <translation>“{0}”含 {1} 个地址；每次最多探测 {2} 个（一个 /24）。</translation>
    </message>
    <message>
        <source>More than {0} addresses in all (a /24); probe fewer at a time.</source>
        <translation>地址总数超过 {0} 个（一个 /24）；请分批探测。</translation>
    </message>
    <message>
        <source>“{0}”: a range takes the ports from the Ports field, not a port of its own.</source>
        <translation>“{0}”：地址段使用“端口”栏中的端口，不能自带端口。</translation>
    </message>
    <message>
        <source>At most {0} ports at a time.</source>
        <translation>每次最多 {0} 个端口。</translation>
    </message>
    <message>
        <source>camera did not answer within {0} s</source>
        <translation>摄像机在 {0} 秒内未应答</translation>
    </message>
    <message>
        <source>cannot connect to the camera</source>
        <translation>无法连接摄像机</translation>
    </message>
    <message>
        <source>unexpected answer from the camera</source>
        <translation>摄像机的应答无法识别</translation>
    </message>
    <message>
        <source>camera lists no video profiles</source>
        <translation>摄像机没有视频码流配置</translation>
    </message>
</context>
<context>
    <name>Evidence</name>
    <message>
        <source>Evidence</source>
        <translation>证据</translation>
    </message>
    <message>
        <source>Loading the picture…</source>
        <translation>正在载入图片…</translation>
    </message>
    <message>
        <source>Loading the clip…</source>
        <translation>正在载入录像…</translation>
    </message>
    <message>
        <source>Voice prompt recording</source>
        <translation>喊话录音</translation>
    </message>
    <message>
        <source>{0:.1f} s</source>
        <translation>{0:.1f} 秒</translation>
    </message>
    <message>
        <source>played {0} times</source>
        <translation>播放 {0} 次</translation>
    </message>
    <message>
        <source>This workstation has no sound output: save the recording as a WAV file to listen to it elsewhere.</source>
        <translation>本机没有放音设备：可将录音另存为 WAV 文件，在其他设备上收听。</translation>
    </message>
    <message>
        <source>The recording could not be read: {0}</source>
        <translation>录音无法读取：{0}</translation>
    </message>
    <message>
        <source>The sound output refused the recording: {0}</source>
        <translation>放音设备无法播放该录音：{0}</translation>
    </message>
    <message>
        <source>Save as WAV…</source>
        <translation>另存为 WAV…</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>voice-prompt</source>
        <translation>喊话录音</translation>
    </message>
    <message>
        <source>Save the recording</source>
        <translation>保存喊话录音</translation>
    </message>
    <message>
        <source>WAV audio (*.wav)</source>
        <translation>WAV 音频 (*.wav)</translation>
    </message>
    <message>
        <source>Saving to {0} …</source>
        <translation>正在保存到 {0} …</translation>
    </message>
    <message>
        <source>Voice prompt recordings</source>
        <translation>喊话录音</translation>
    </message>
    <message>
        <source>Not saved to {0}: {1}</source>
        <translation>未能保存到 {0}：{1}</translation>
    </message>
    <message>
        <source>Saved to {0}</source>
        <translation>已保存到 {0}</translation>
    </message>
    <message>
        <source>No picture was kept for this alert.</source>
        <translation>此告警没有保存图片。</translation>
    </message>
    <message>
        <source>No clip was kept for this alert.</source>
        <translation>此告警没有保存录像。</translation>
    </message>
    <message>
        <source>main stream</source>
        <translation>主码流</translation>
    </message>
    <message>
        <source>sub-stream</source>
        <translation>子码流</translation>
    </message>
    <message>
        <source>Taken {0} from the {1}.</source>
        <translation>{0} 取自{1}。</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>The picture could not be read: {0}</source>
        <translation>图片无法读取：{0}</translation>
    </message>
    <message>
        <source>The clip could not be read: {0}</source>
        <translation>录像无法读取：{0}</translation>
    </message>
</context>
<context>
    <name>Figures</name>
    <message>
        <source>Period:</source>
        <translation>统计时段：</translation>
    </message>
    <message>
        <source>This shift</source>
        <translation>本班次</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <source>Previous month</source>
        <translation>上月</translation>
    </message>
    <message>
        <source>Chosen days</source>
        <translation>自定义日期</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Export Excel</source>
        <translation>导出 Excel</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>导出 CSV</translation>
    </message>
    <message>
        <source>Export case files…</source>
        <translation>导出案件文件…</translation>
    </message>
    <message>
        <source>Each case made or judged in the period as JSON with its evidence files</source>
        <translation>本时段新增或考核的每件案件，导出为 JSON 及其证据文件</translation>
    </message>
    <message>
        <source>Closure rate</source>
        <translation>结案率</translation>
    </message>
    <message>
        <source>On-time closure rate</source>
        <translation>按期结案率</translation>
    </message>
    <message>
        <source>Urgent cases on time</source>
        <translation>紧急案件按期结案率</translation>
    </message>
    <message>
        <source>Rework rate</source>
        <translation>返工率</translation>
    </message>
    <message>
        <source>Mean handling time (hours)</source>
        <translation>平均处置时长（小时）</translation>
    </message>
    <message>
        <source>Cases due</source>
        <translation>应结案件数</translation>
    </message>
    <message>
        <source>{0} closed · {1} not closed
{2} new · {3} deferred (left out)</source>
        <translation>已结案 {0} · 应结未结 {1}
新增 {2} · 缓办（不计入）{3}</translation>
    </message>
    <message>
        <source>{0} vending alerts · {1} prompts played, {2} reached a speaker · {3} with escalation · {4} resolved by prompt alone · {5} prompted, then a case</source>
        <translation>占道经营告警 {0} 条 · 喊话 {1} 次，送达喇叭 {2} 次 · 启用升级流程 {3} 条 · 喊话劝离 {4} 条 · 喊话后转立案 {5} 条</translation>
    </message>
    <message>
        <source>{0}:00–{1}:00: {2} vending alerts, {3} resolved by prompt ({4}), {5} cases</source>
        <translation>{0}:00–{1}:00：占道经营告警 {2} 条，喊话劝离 {3} 条（{4}），转立案 {5} 条</translation>
    </message>
    <message>
        <source>Resolved by voice prompt alone (street vending)</source>
        <translation>喊话劝离率（占道经营）</translation>
    </message>
    <message>
        <source>Zone</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Prompted</source>
        <translation>已喊话</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>案件清单</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>劝离</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>劝离率</translation>
    </message>
    <message>
        <source>Then a case</source>
        <translation>转立案</translation>
    </message>
    <message>
        <source>Resolved by prompt alone, of the zone&apos;s vending alerts</source>
        <translation>仅靠喊话劝离（未立案）的告警占该区域占道经营告警的比例</translation>
    </message>
    <message>
        <source>Prompted, and a case was made all the same</source>
        <translation>已喊话，但仍转为案件</translation>
    </message>
    <message>
        <source>No vending alert in this period: nothing to judge.</source>
        <translation>本期没有占道经营告警：无可统计。</translation>
    </message>
    <message>
        <source>{0} of {1} vending alerts; {2} of the prompted ones</source>
        <translation>{1} 条占道经营告警中劝离 {0} 条；已喊话告警中占 {2}</translation>
    </message>
    <message>
        <source>{0} ({1})</source>
        <translation>{0}（{1}）</translation>
    </message>
    <message>
        <source>{0}: {1} prompts, {2} reached a speaker; {3} of the prompted</source>
        <translation>{0}：喊话 {1} 次，送达喇叭 {2} 次；已喊话告警中劝离 {3}</translation>
    </message>
    <message>
        <source>Working out the figures …</source>
        <translation>正在计算考核指标…</translation>
    </message>
    <message>
        <source>The figures cannot be worked out: {0}</source>
        <translation>无法计算考核指标：{0}</translation>
    </message>
    <message>
        <source>{0} to {1} ({2}), worked out at {3}</source>
        <translation>{0} 至 {1}（{2}），计算于 {3}</translation>
    </message>
    <message>
        <source>No case gave feedback in this period: nothing to judge (not 0%).</source>
        <translation>本时段没有已反馈的应结案件：无从计算（不是 0%）。</translation>
    </message>
    <message>
        <source>{0} of {1} with feedback returned</source>
        <translation>{1} 件已反馈中返工 {0} 件</translation>
    </message>
    <message>
        <source>dispatch to feedback; to closure {0} h</source>
        <translation>派遣至反馈；派遣至结案 {0} 小时</translation>
    </message>
    <message>
        <source>Wall-clock hours from dispatch, over the cases due in the period</source>
        <translation>自派遣起的自然小时数，按本时段应结案件平均</translation>
    </message>
    <message>
        <source>(not set)</source>
        <translation>（未指定）</translation>
    </message>
    <message>
        <source>New cases by category</source>
        <translation>各类别新增案件</translation>
    </message>
    <message>
        <source>New cases by grid (top 10)</source>
        <translation>各网格新增案件（前 10）</translation>
    </message>
    <message>
        <source>target ≥ {0}</source>
        <translation>目标 ≥ {0}</translation>
    </message>
    <message>
        <source> · no case due</source>
        <translation> · 无应结案件</translation>
    </message>
    <message>
        <source>No case was due in this period: nothing to judge (not 0%).</source>
        <translation>本时段没有应结案件：无从计算（不是 0%）。</translation>
    </message>
    <message>
        <source>met</source>
        <translation>达标</translation>
    </message>
    <message>
        <source>not met</source>
        <translation>未达标</translation>
    </message>
    <message>
        <source>target {0}</source>
        <translation>目标 {0}</translation>
    </message>
    <message>
        <source> · no urgent case due</source>
        <translation> · 无应结紧急案件</translation>
    </message>
    <message>
        <source>No urgent case was due in this period: nothing to judge (not 0%).</source>
        <translation>本时段没有应结的紧急案件：无从计算（不是 0%）。</translation>
    </message>
    <message>
        <source>Cannot write {0}: no font with Chinese characters was found (install fonts-wqy-microhei).</source>
        <translation>无法写入 {0}：本机没有可显示中文的字体，请联系系统管理员安装中文字体。</translation>
    </message>
    <message>
        <source>Cannot write {0}: {1}.</source>
        <translation>无法写入 {0}：{1}。</translation>
    </message>
    <message>
        <source>Cannot write the case files to {0}: {1}.</source>
        <translation>无法将案件文件写入 {0}：{1}。</translation>
    </message>
    <message>
        <source>The export failed: {0}</source>
        <translation>导出失败：{0}</translation>
    </message>
    <message>
        <source>figures</source>
        <translation>考核评价</translation>
    </message>
    <message>
        <source>Export the figures (Excel)</source>
        <translation>导出考核指标（Excel）</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Export the figures (CSV)</source>
        <translation>导出考核指标（CSV）</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Writing {0} …</source>
        <translation>正在写入 {0}…</translation>
    </message>
    <message>
        <source>Export the cases as files into …</source>
        <translation>将案件文件导出到…</translation>
    </message>
    <message>
        <source>Writing the case files …</source>
        <translation>正在写入案件文件…</translation>
    </message>
    <message>
        <source>case-report</source>
        <translation>案件报告</translation>
    </message>
    <message>
        <source>Print the case report (PDF)</source>
        <translation>打印案件报告（PDF）</translation>
    </message>
    <message>
        <source>PDF document (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>The export was cancelled; nothing was written.</source>
        <translation>导出已取消，未写入任何文件。</translation>
    </message>
    <message>
        <source>Open the folder</source>
        <translation>打开所在文件夹</translation>
    </message>
    <message>
        <source>{0} case(s) written to {1}.</source>
        <translation>已将 {0} 件案件写入 {1}。</translation>
    </message>
    <message>
        <source>Cancelled: the cases written so far are complete and stay.</source>
        <translation>已取消：此前写入的案件完整保留。</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <source>{0} case(s) left out (evidence damaged or missing):</source>
        <translation>{0} 件案件未导出（证据文件损坏或缺失）：</translation>
    </message>
    <message>
        <source>The case report was written to {0}.</source>
        <translation>案件报告已保存到 {0}。</translation>
    </message>
    <message>
        <source>The figures were written to:</source>
        <translation>考核指标已写入：</translation>
    </message>
    <message>
        <source>Departments: closure and on-time rates</source>
        <translation>各部门结案率与按期结案率</translation>
    </message>
    <message>
        <source> (left out: {0} with no case due)</source>
        <translation>（未列出：{0} 个无应结案件的部门）</translation>
    </message>
    <message>
        <source>: no case was due</source>
        <translation>：无应结案件</translation>
    </message>
    <message>
        <source>On-time rate</source>
        <translation>按期结案率</translation>
    </message>
    <message>
        <source>{0} due</source>
        <translation>应结 {0} 件</translation>
    </message>
    <message>
        <source>: no new case</source>
        <translation>：无新增案件</translation>
    </message>
    <message>
        <source>New cases</source>
        <translation>新增案件</translation>
    </message>
    <message>
        <source>New cases by source</source>
        <translation>各来源新增案件</translation>
    </message>
    <message>
        <source>Alerts by rule: false-alarm share</source>
        <translation>各规则告警与误报率</translation>
    </message>
    <message>
        <source>: cannot be read ({0})</source>
        <translation>：无法读取（{0}）</translation>
    </message>
    <message>
        <source>: no alert</source>
        <translation>：无告警</translation>
    </message>
    <message>
        <source>Confirmed</source>
        <translation>确认属实</translation>
    </message>
    <message>
        <source>False alarms</source>
        <translation>误报</translation>
    </message>
    <message>
        <source>Permitted</source>
        <translation>合规经营</translation>
    </message>
    <message>
        <source>Not judged</source>
        <translation>未判定</translation>
    </message>
    <message>
        <source>false-alarm share {0}</source>
        <translation>误报率 {0}</translation>
    </message>
    <message>
        <source>Vending alerts by hour: resolved by prompt alone</source>
        <translation>各时段占道经营告警：喊话劝离</translation>
    </message>
    <message>
        <source>: no vending alert</source>
        <translation>：无占道经营告警</translation>
    </message>
    <message>
        <source>Resolved by prompt</source>
        <translation>喊话劝离</translation>
    </message>
    <message>
        <source>Prompted, then a case</source>
        <translation>喊话后转立案</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>video</source>
        <translation>视频监控</translation>
    </message>
    <message>
        <source>operator report</source>
        <translation>座席上报</translation>
    </message>
    <message>
        <source>imported</source>
        <translation>外部导入</translation>
    </message>
    <message>
        <source>street vending</source>
        <translation>占道经营</translation>
    </message>
    <message>
        <source>overflowing bin</source>
        <translation>垃圾满溢</translation>
    </message>
    <message>
        <source>the disk is full</source>
        <translation>磁盘已满</translation>
    </message>
    <message>
        <source>the folder is read-only</source>
        <translation>文件夹为只读</translation>
    </message>
    <message>
        <source>permission denied</source>
        <translation>没有写入权限</translation>
    </message>
    <message>
        <source>the folder does not exist</source>
        <translation>文件夹不存在</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>汇总</translation>
    </message>
    <message>
        <source>Departments</source>
        <translation>按部门</translation>
    </message>
    <message>
        <source>Categories</source>
        <translation>按类别</translation>
    </message>
    <message>
        <source>Grids</source>
        <translation>按网格</translation>
    </message>
    <message>
        <source>Sources</source>
        <translation>按来源</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>告警</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Period start</source>
        <translation>统计开始</translation>
    </message>
    <message>
        <source>Period end</source>
        <translation>统计结束</translation>
    </message>
    <message>
        <source>Computed at</source>
        <translation>计算时间</translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation>时区</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Urgent cases</source>
        <translation>紧急案件</translation>
    </message>
    <message>
        <source>Urgent target met (100%)</source>
        <translation>紧急案件达标（100%）</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>排名</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>应结案数</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>结案数</translation>
    </message>
    <message>
        <source>Closed on time</source>
        <translation>按期结案数</translation>
    </message>
    <message>
        <source>With feedback</source>
        <translation>已反馈数</translation>
    </message>
    <message>
        <source>Reworked</source>
        <translation>返工案件数</translation>
    </message>
    <message>
        <source>Deferred (left out)</source>
        <translation>缓办（不计入）</translation>
    </message>
    <message>
        <source>Due, not closed</source>
        <translation>应结未结</translation>
    </message>
    <message>
        <source>Mean to feedback (h)</source>
        <translation>平均处置时长（小时）</translation>
    </message>
    <message>
        <source>Mean to closure (h)</source>
        <translation>平均结案时长（小时）</translation>
    </message>
    <message>
        <source>Case number</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <source>Category name</source>
        <translation>类别名称</translation>
    </message>
    <message>
        <source>Department name</source>
        <translation>部门名称</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>派遣时间</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>处理时限</translation>
    </message>
    <message>
        <source>Feedback</source>
        <translation>反馈时间</translation>
    </message>
    <message>
        <source>Closed at</source>
        <translation>结案时间</translation>
    </message>
    <message>
        <source>Counted</source>
        <translation>计入考核</translation>
    </message>
    <message>
        <source>On time</source>
        <translation>按期</translation>
    </message>
    <message>
        <source>Reworks</source>
        <translation>返工次数</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <source>Alerts raised</source>
        <translation>告警数</translation>
    </message>
    <message>
        <source>False-alarm share</source>
        <translation>误报率</translation>
    </message>
    <message>
        <source>Confirmed share</source>
        <translation>属实率</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>no (deferred)</source>
        <translation>否（缓办）</translation>
    </message>
    <message>
        <source>reported</source>
        <translation>已受理</translation>
    </message>
    <message>
        <source>filed</source>
        <translation>已立案</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>不予立案</translation>
    </message>
    <message>
        <source>dispatched</source>
        <translation>已派遣</translation>
    </message>
    <message>
        <source>in progress</source>
        <translation>处置中</translation>
    </message>
    <message>
        <source>handled</source>
        <translation>已反馈</translation>
    </message>
    <message>
        <source>verified</source>
        <translation>核查通过</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>已结案</translation>
    </message>
    <message>
        <source>deferred</source>
        <translation>缓办</translation>
    </message>
    <message>
        <source>Voice prompts by zone</source>
        <translation>喊话劝离（按区域）</translation>
    </message>
    <message>
        <source>Voice prompts by hour</source>
        <translation>喊话劝离（按时段）</translation>
    </message>
    <message>
        <source>Zone id</source>
        <translation>区域编号</translation>
    </message>
    <message>
        <source>Hour</source>
        <translation>时段</translation>
    </message>
    <message>
        <source>Vending alerts</source>
        <translation>占道经营告警</translation>
    </message>
    <message>
        <source>Prompted alerts</source>
        <translation>已喊话告警</translation>
    </message>
    <message>
        <source>Prompts played</source>
        <translation>喊话次数</translation>
    </message>
    <message>
        <source>Prompts reaching a speaker</source>
        <translation>送达喇叭次数</translation>
    </message>
    <message>
        <source>With escalation</source>
        <translation>启用升级流程</translation>
    </message>
    <message>
        <source>Resolved by prompt alone</source>
        <translation>喊话劝离（未立案）</translation>
    </message>
    <message>
        <source>Resolved share</source>
        <translation>喊话劝离占比</translation>
    </message>
    <message>
        <source>Of prompted alerts</source>
        <translation>占已喊话告警</translation>
    </message>
    <message>
        <source>Case report</source>
        <translation>案件报告</translation>
    </message>
    <message>
        <source>Generated</source>
        <translation>生成时间</translation>
    </message>
    <message>
        <source>Page {n} of {total}</source>
        <translation>第 {n} 页 / 共 {total} 页</translation>
    </message>
    <message>
        <source>Case particulars</source>
        <translation>案件信息</translation>
    </message>
    <message>
        <source>Before and after</source>
        <translation>处置前后对比</translation>
    </message>
    <message>
        <source>Other evidence</source>
        <translation>其他证据</translation>
    </message>
    <message>
        <source>Handling (audit record)</source>
        <translation>处置过程（审计记录）</translation>
    </message>
    <message>
        <source>No picture before handling</source>
        <translation>无处置前照片</translation>
    </message>
    <message>
        <source>No picture after handling yet</source>
        <translation>尚无处置后照片</translation>
    </message>
    <message>
        <source>Unit grid</source>
        <translation>单元网格</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Coordinates (longitude, latitude)</source>
        <translation>坐标（经度，纬度）</translation>
    </message>
    <message>
        <source>Camera / preset</source>
        <translation>摄像机 / 预置位</translation>
    </message>
    <message>
        <source>Handling department</source>
        <translation>处置部门</translation>
    </message>
    <message>
        <source>Filed</source>
        <translation>立案时间</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>Department&apos;s note</source>
        <translation>反馈说明</translation>
    </message>
    <message>
        <source>Related alerts</source>
        <translation>关联告警</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>处置前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>处置后</translation>
    </message>
    <message>
        <source>Captured</source>
        <translation>抓拍时间</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <source>The evidence file cannot be read: {why}</source>
        <translation>证据文件无法读取：{why}</translation>
    </message>
    <message>
        <source>The evidence file was altered: it no longer matches its SHA-256</source>
        <translation>证据文件已被改动：内容与登记的 SHA-256 不符</translation>
    </message>
    <message>
        <source>(video clip, cannot be printed)</source>
        <translation>（视频片段，无法打印）</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>人员</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Record hash</source>
        <translation>记录哈希</translation>
    </message>
    <message>
        <source>report</source>
        <translation>上报</translation>
    </message>
    <message>
        <source>department feedback</source>
        <translation>部门反馈</translation>
    </message>
    <message>
        <source>verification</source>
        <translation>核查</translation>
    </message>
    <message>
        <source>snapshot</source>
        <translation>抓拍</translation>
    </message>
    <message>
        <source>video clip</source>
        <translation>视频片段</translation>
    </message>
    <message>
        <source>snapshot when gone</source>
        <translation>消失时抓拍</translation>
    </message>
    <message>
        <source>operator</source>
        <translation>座席员</translation>
    </message>
    <message>
        <source>shift leader</source>
        <translation>值班长</translation>
    </message>
    <message>
        <source>department</source>
        <translation>处置部门</translation>
    </message>
    <message>
        <source>system</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>accept</source>
        <translation>受理</translation>
    </message>
    <message>
        <source>edit</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>file</source>
        <translation>立案</translation>
    </message>
    <message>
        <source>not filed</source>
        <translation>不予立案</translation>
    </message>
    <message>
        <source>dispatch</source>
        <translation>派遣</translation>
    </message>
    <message>
        <source>redispatch</source>
        <translation>改派</translation>
    </message>
    <message>
        <source>start handling</source>
        <translation>开始处置</translation>
    </message>
    <message>
        <source>feedback</source>
        <translation>反馈</translation>
    </message>
    <message>
        <source>verify</source>
        <translation>核查通过</translation>
    </message>
    <message>
        <source>return for rework</source>
        <translation>返工</translation>
    </message>
    <message>
        <source>close</source>
        <translation>结案</translation>
    </message>
    <message>
        <source>request deferral</source>
        <translation>申请缓办</translation>
    </message>
    <message>
        <source>request extension</source>
        <translation>申请延期</translation>
    </message>
    <message>
        <source>approve</source>
        <translation>批准</translation>
    </message>
    <message>
        <source>reject</source>
        <translation>驳回</translation>
    </message>
    <message>
        <source>resume handling</source>
        <translation>恢复处置</translation>
    </message>
    <message>
        <source>seen again</source>
        <translation>再次发现</translation>
    </message>
    <message>
        <source>add evidence</source>
        <translation>补充证据</translation>
    </message>
    <message>
        <source>alert raised</source>
        <translation>告警产生</translation>
    </message>
    <message>
        <source>seen again by detection</source>
        <translation>再次检测到</translation>
    </message>
    <message>
        <source>target gone (cleared by itself)</source>
        <translation>目标已离开（自动解除）</translation>
    </message>
    <message>
        <source>alert taken</source>
        <translation>告警已签收</translation>
    </message>
    <message>
        <source>alert assigned</source>
        <translation>告警已指派</translation>
    </message>
    <message>
        <source>alert sent to the shift leader</source>
        <translation>告警已上报值班长</translation>
    </message>
    <message>
        <source>confirmed violation</source>
        <translation>已确认违规</translation>
    </message>
    <message>
        <source>dismissed as false</source>
        <translation>误报已排除</translation>
    </message>
    <message>
        <source>alert muted</source>
        <translation>告警已静音</translation>
    </message>
    <message>
        <source>mute ended</source>
        <translation>静音结束</translation>
    </message>
    <message>
        <source>evidence kept</source>
        <translation>证据已保存</translation>
    </message>
    <message>
        <source>voice prompt</source>
        <translation>喊话</translation>
    </message>
    <message>
        <source>escalation: prompt played</source>
        <translation>喊话升级：播放喊话</translation>
    </message>
    <message>
        <source>escalation: waiting to recheck</source>
        <translation>喊话升级：等待复核</translation>
    </message>
    <message>
        <source>escalation: rechecking the scene</source>
        <translation>喊话升级：复核现场</translation>
    </message>
    <message>
        <source>gone after the prompt</source>
        <translation>喊话后已离开</translation>
    </message>
    <message>
        <source>still there after the prompts: case</source>
        <translation>喊话后仍在：转案件</translation>
    </message>
    <message>
        <source>escalation stopped</source>
        <translation>喊话升级已停止</translation>
    </message>
    <message>
        <source>escalation ended</source>
        <translation>喊话升级已结束</translation>
    </message>
    <message>
        <source>reached the speakers</source>
        <translation>已送达喇叭</translation>
    </message>
    <message>
        <source>reached no speaker</source>
        <translation>未送达任何喇叭</translation>
    </message>
    <message>
        <source>false detection</source>
        <translation>误检</translation>
    </message>
    <message>
        <source>fixed object</source>
        <translation>固定设施</translation>
    </message>
    <message>
        <source>inside the shop</source>
        <translation>店内经营</translation>
    </message>
    <message>
        <source>permitted</source>
        <translation>合规经营</translation>
    </message>
    <message>
        <source>gone</source>
        <translation>已离开</translation>
    </message>
    <message>
        <source>other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>voice prompt recording</source>
        <translation>喊话录音</translation>
    </message>
    <message>
        <source>detection</source>
        <translation>检测</translation>
    </message>
    <message>
        <source>(voice prompt recording, cannot be printed: export the case files to listen)</source>
        <translation>（喊话录音，无法打印：请导出案件文件收听）</translation>
    </message>
</context>
<context>
    <name>Help</name>
    <message>
        <source>Drag</source>
        <translation>拖动</translation>
    </message>
    <message>
        <source>Mouse and tile numbers</source>
        <translation>鼠标与画面编号</translation>
    </message>
    <message>
        <source>Go to the tile with that number (a pause over {0} s between digits starts again)</source>
        <translation>前往该编号的画面（两位数字之间停顿超过 {0} 秒则重新输入）</translation>
    </message>
    <message>
        <source>then</source>
        <translation>再按</translation>
    </message>
    <message>
        <source>Double-click</source>
        <translation>双击</translation>
    </message>
    <message>
        <source>Focus a tile (main stream)</source>
        <translation>放大画面（主码流）</translation>
    </message>
    <message>
        <source>A camera from the tree onto a tile: show it there</source>
        <translation>把摄像机拖到画面：在此播放</translation>
    </message>
    <message>
        <source>A tile onto another tile: swap the two</source>
        <translation>把画面拖到另一画面：两者互换</translation>
    </message>
    <message>
        <source>Hold to turn / zoom in / zoom out</source>
        <translation>按住：转动 / 放大 / 缩小</translation>
    </message>
    <message>
        <source>Centre on that point / zoom into the box (drawn right to left: out)</source>
        <translation>单击处居中 / 拉框放大框内（从右向左拉框：缩小）</translation>
    </message>
    <message>
        <source>Go to a preset: in the PTZ panel&apos;s list / the joystick&apos;s buttons 1–n</source>
        <translation>转到预置位：云台面板列表中双击 / 摇杆按键 1–n</translation>
    </message>
    <message>
        <source>PTZ camera in focus</source>
        <translation>云台摄像机（放大画面时）</translation>
    </message>
    <message>
        <source>Home position</source>
        <translation>归位（回到初始位置）</translation>
    </message>
    <message>
        <source>Click</source>
        <translation>单击</translation>
    </message>
    <message>
        <source>Joystick</source>
        <translation>摇杆</translation>
    </message>
    <message>
        <source>Esc, F1 or a click closes this help</source>
        <translation>按 Esc、F1 或单击关闭本帮助</translation>
    </message>
</context>
<context>
    <name>Joystick</name>
    <message>
        <source>USB joystick: not available (pygame is not installed; install CityWall with the “joystick” extra).</source>
        <translation>USB 摇杆不可用：本机未安装摇杆支持组件，请联系系统管理员。</translation>
    </message>
    <message>
        <source>USB joystick: not available ({0}).</source>
        <translation>USB 摇杆不可用（{0}）。</translation>
    </message>
</context>
<context>
    <name>LayoutEditor</name>
    <message>
        <source>That would overlap big tile {0}: split it first, or drag across all of it.</source>
        <translation>会与大画面 {0} 重叠：请先将其拆分，或拖动覆盖它的全部范围。</translation>
    </message>
</context>
<context>
    <name>LayoutEditorDialog</name>
    <message>
        <source>Layouts</source>
        <translation>布局</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>名称(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Grid (columns × rows)</source>
        <translation>网格（列 × 行）(&amp;G)</translation>
    </message>
    <message>
        <source>Drag across squares to merge them into one big tile; click a big tile to split it. Keys: arrows move, Shift+arrows mark, Enter merges or splits. The numbers are the order in which the wall fills the tiles.</source>
        <translation>在方格上拖动可合并为一个大画面；单击大画面可将其拆分。按键：方向键移动，Shift+方向键框选，Enter 合并或拆分。数字表示视频墙填充画面的顺序。</translation>
    </message>
    <message>
        <source>e.g. 1 + 12 east gate</source>
        <translation>例如：1+12 东门</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>打开(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>删除(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;Share with every operator of this site</source>
        <translation>与本中心所有座席员共享(&amp;S)</translation>
    </message>
    <message>
        <source>Ne&amp;w</source>
        <translation>新建(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Use on the wall</source>
        <translation>应用到视频墙(&amp;U)</translation>
    </message>
    <message>
        <source>{0} (shared)</source>
        <translation>{0}（共享）</translation>
    </message>
    <message>
        <source>{0} (built-in)</source>
        <translation>{0}（内置）</translation>
    </message>
    <message>
        <source>“{0}” is built in: change it and save it under a new name.</source>
        <translation>“{0}”是内置布局：修改后请另存为新名称。</translation>
    </message>
    <message>
        <source>Opened “{0}”.</source>
        <translation>已打开“{0}”。</translation>
    </message>
    <message>
        <source>Delete layout</source>
        <translation>删除布局</translation>
    </message>
    <message>
        <source>Delete the layout “{0}”?</source>
        <translation>删除布局“{0}”？</translation>
    </message>
    <message>
        <source>Delete it again to delete theirs.</source>
        <translation>再次删除将删除对方的版本。</translation>
    </message>
    <message>
        <source>Not deleted: {0}</source>
        <translation>未删除：{0}</translation>
    </message>
    <message>
        <source>Deleted “{0}”.</source>
        <translation>已删除“{0}”。</translation>
    </message>
    <message>
        <source>{0} big tile(s) did not fit the smaller grid and were split.</source>
        <translation>有 {0} 个大画面超出缩小后的网格，已拆分。</translation>
    </message>
    <message>
        <source>{0} tiles</source>
        <translation>{0} 分屏</translation>
    </message>
    <message>
        <source>Give the layout a name.</source>
        <translation>请为布局命名。</translation>
    </message>
    <message>
        <source>“{0}” is the name of a built-in layout: choose another name.</source>
        <translation>“{0}”是内置布局的名称，请另选名称。</translation>
    </message>
    <message>
        <source>The tiles do not fit together: {0}</source>
        <translation>画面无法拼合：{0}</translation>
    </message>
    <message>
        <source>There is already a layout “{0}”: press Save again to replace it.</source>
        <translation>已有布局“{0}”：再按一次“保存”即覆盖。</translation>
    </message>
    <message>
        <source>Not saved: {0}</source>
        <translation>未保存：{0}</translation>
    </message>
    <message>
        <source>Saved “{0}”.</source>
        <translation>已保存“{0}”。</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Save view</source>
        <translation>保存视图</translation>
    </message>
    <message>
        <source>Tour</source>
        <translation>轮巡</translation>
    </message>
    <message>
        <source>Snapshot</source>
        <translation>抓拍</translation>
    </message>
    <message>
        <source>Report case</source>
        <translation>上报案件</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>Shortcuts</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>CityWall — {0}</source>
        <translation>CityWall 城市视频墙 — {0}</translation>
    </message>
    <message>
        <source>Cameras</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <source>PTZ</source>
        <translation>云台</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>告警</translation>
    </message>
    <message>
        <source>System events</source>
        <translation>系统事件</translation>
    </message>
    <message>
        <source>View</source>
        <translation>视图</translation>
    </message>
    <message>
        <source>Layout</source>
        <translation>布局</translation>
    </message>
    <message>
        <source>s per step</source>
        <translation>秒切换</translation>
    </message>
    <message>
        <source>pages</source>
        <translation>按页</translation>
    </message>
    <message>
        <source>views</source>
        <translation>按视图</translation>
    </message>
    <message>
        <source>Select a camera first</source>
        <translation>请先选择一台摄像机</translation>
    </message>
    <message>
        <source>Joystick connected: {0}</source>
        <translation>摇杆已连接：{0}</translation>
    </message>
    <message>
        <source>Patrol not saved</source>
        <translation>巡航未保存</translation>
    </message>
    <message>
        <source>Patrol of {0} saved</source>
        <translation>{0} 的巡航已保存</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>座席员</translation>
    </message>
    <message>
        <source>No other screen to put a wall on</source>
        <translation>没有其他屏幕可打开视频墙</translation>
    </message>
    <message>
        <source>All cameras</source>
        <translation>全部摄像机</translation>
    </message>
    <message>
        <source>{0} (shared)</source>
        <translation>{0}（共享）</translation>
    </message>
    <message>
        <source>{0} tiles</source>
        <translation>{0} 分屏</translation>
    </message>
    <message>
        <source>View not saved</source>
        <translation>视图未保存</translation>
    </message>
    <message>
        <source>View “{0}” saved</source>
        <translation>视图“{0}”已保存</translation>
    </message>
    <message>
        <source>Delete view</source>
        <translation>删除视图</translation>
    </message>
    <message>
        <source>Delete the view “{0}”?</source>
        <translation>删除视图“{0}”？</translation>
    </message>
    <message>
        <source>View not deleted</source>
        <translation>视图未删除</translation>
    </message>
    <message>
        <source>Alert: {0} — {1} ({2})</source>
        <translation>告警：{0}——{1}（{2}）</translation>
    </message>
    <message>
        <source>On shift now: {0}</source>
        <translation>当前值班：{0}</translation>
    </message>
    <message>
        <source>Cases are not available in this run</source>
        <translation>本次运行未启用案件功能</translation>
    </message>
    <message>
        <source>Select a tile with a picture first</source>
        <translation>请先选中有图像的画面</translation>
    </message>
    <message>
        <source>{0}/{1} live</source>
        <translation>在线 {0}/{1}</translation>
    </message>
    <message>
        <source>{0} with problems</source>
        <translation>异常 {0}</translation>
    </message>
    <message>
        <source>page {0}/{1}</source>
        <translation>第 {0}/{1} 页</translation>
    </message>
    <message>
        <source>focused: {0} (Esc to go back)</source>
        <translation>放大：{0}（Esc 返回）</translation>
    </message>
    <message>
        <source>tour paused</source>
        <translation>轮巡已暂停</translation>
    </message>
    <message>
        <source>touring</source>
        <translation>轮巡中</translation>
    </message>
    <message>
        <source>touring · next view in {0} s</source>
        <translation>轮巡中 · {0} 秒后换视图</translation>
    </message>
    <message>
        <source>touring · next page in {0} s</source>
        <translation>轮巡中 · {0} 秒后翻页</translation>
    </message>
    <message>
        <source>CityWall — wall {0}</source>
        <translation>CityWall — 视频墙 {0}</translation>
    </message>
</context>
<context>
    <name>PatrolEditorDialog</name>
    <message>
        <source>Patrol — {0}</source>
        <translation>巡航 — {0}</translation>
    </message>
    <message>
        <source>Camera “{0}”: the patrol visits the presets in order, round and round.</source>
        <translation>摄像机“{0}”：巡航按顺序循环巡视各预置位。</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>巡航步骤</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预置位</translation>
    </message>
    <message>
        <source>Dwell</source>
        <translation>停留</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>添加(&amp;A)</translation>
    </message>
    <message>
        <source>Add a step after the selected one (Insert)</source>
        <translation>在选中步骤后添加一步（Insert）</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>删除(&amp;R)</translation>
    </message>
    <message>
        <source>Remove the selected step (Delete)</source>
        <translation>删除选中的步骤（Delete）</translation>
    </message>
    <message>
        <source>Move &amp;up</source>
        <translation>上移(&amp;U)</translation>
    </message>
    <message>
        <source>Move the selected step up (Ctrl+Up)</source>
        <translation>上移选中的步骤（Ctrl+↑）</translation>
    </message>
    <message>
        <source>Move dow&amp;n</source>
        <translation>下移(&amp;N)</translation>
    </message>
    <message>
        <source>Move the selected step down (Ctrl+Down)</source>
        <translation>下移选中的步骤（Ctrl+↓）</translation>
    </message>
    <message>
        <source>&amp;Preset</source>
        <translation>预置位(&amp;P)</translation>
    </message>
    <message>
        <source>D&amp;well</source>
        <translation>停留(&amp;W)</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>How long the camera stays, counted once it has settled</source>
        <translation>摄像机在预置位停留的时长，从到位稳定后开始计时</translation>
    </message>
    <message>
        <source>Runs by itself</source>
        <translation>自动运行时段</translation>
    </message>
    <message>
        <source>Without a time window the patrol runs only when an operator starts it. An end before the start runs over midnight into the next day; 24:00 is midnight.</source>
        <translation>不设时段时，巡航只在座席员手动启动后运行。结束早于开始表示跨过午夜到次日；24:00 即午夜。</translation>
    </message>
    <message>
        <source>Add &amp;time window</source>
        <translation>添加时段(&amp;T)</translation>
    </message>
    <message>
        <source>Re&amp;sume after</source>
        <translation>恢复前等待(&amp;S)</translation>
    </message>
    <message>
        <source>the camera has been left alone by the operators</source>
        <translation>（从座席员停止操作摄像机起计）</translation>
    </message>
    <message>
        <source>De&amp;lete patrol…</source>
        <translation>删除巡航(&amp;L)…</translation>
    </message>
    <message>
        <source>“{0}” (not on this camera)</source>
        <translation>“{0}”（本摄像机无此预置位）</translation>
    </message>
    <message>
        <source>preset token {0}</source>
        <translation>预置位标识 {0}</translation>
    </message>
    <message>
        <source>{0} s</source>
        <translation>{0} 秒</translation>
    </message>
    <message>
        <source>Step {0}: this camera has no preset “{1}”; choose one of its presets.</source>
        <translation>第 {0} 步：本摄像机没有预置位“{1}”，请改选已有的预置位。</translation>
    </message>
    <message>
        <source>Add at least one step.</source>
        <translation>请至少添加一步。</translation>
    </message>
    <message>
        <source>At most {0} steps.</source>
        <translation>最多 {0} 步。</translation>
    </message>
    <message>
        <source>Step {0}: the dwell must be {1} to {2} seconds.</source>
        <translation>第 {0} 步：停留时间须为 {1} 到 {2} 秒。</translation>
    </message>
    <message>
        <source>Step {0}: choose a preset.</source>
        <translation>第 {0} 步：请选择预置位。</translation>
    </message>
    <message>
        <source>At most {0} time windows.</source>
        <translation>最多 {0} 个时段。</translation>
    </message>
    <message>
        <source>Tick at least one day.</source>
        <translation>请至少勾选一天。</translation>
    </message>
    <message>
        <source>Start: write the time as HH:MM, from 00:00 to 23:59 (e.g. 08:30).</source>
        <translation>开始时间：请写成 HH:MM，00:00 到 23:59（例如 08:30）。</translation>
    </message>
    <message>
        <source>The window ends when it starts; for a whole day write 00:00 to 24:00.</source>
        <translation>结束时间与开始时间相同；全天请写 00:00 到 24:00。</translation>
    </message>
    <message>
        <source>End: write the time as HH:MM, from 00:00 to 24:00 (e.g. 18:00).</source>
        <translation>结束时间：请写成 HH:MM，00:00 到 24:00（例如 18:00）。</translation>
    </message>
    <message>
        <source>Resume after must be 0 to {0} seconds.</source>
        <translation>恢复前等待须为 0 到 {0} 秒。</translation>
    </message>
    <message>
        <source>This camera has no presets yet (or they could not be read): store presets first.</source>
        <translation>本摄像机还没有预置位（或无法读取）：请先设置预置位。</translation>
    </message>
    <message>
        <source>Delete patrol</source>
        <translation>删除巡航</translation>
    </message>
    <message>
        <source>Delete the patrol of “{0}”? The camera will no longer patrol by itself.</source>
        <translation>删除“{0}”的巡航？该摄像机将不再自动巡航。</translation>
    </message>
</context>
<context>
    <name>PromptEditor</name>
    <message>
        <source>Voice prompts</source>
        <translation>语音提示</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>What it says</source>
        <translation>播报内容</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Listen</source>
        <translation>试听</translation>
    </message>
    <message>
        <source>Play the prompt on this workstation (Space)</source>
        <translation>在本机播放这条提示（空格键）</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>Rename the prompt (F2)</source>
        <translation>重命名这条提示（F2）</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Import file…</source>
        <translation>导入文件…</translation>
    </message>
    <message>
        <source>A WAV, MP3 or other sound file, at most 60 s (Ctrl+O)</source>
        <translation>WAV、MP3 等声音文件，最长 60 秒（Ctrl+O）</translation>
    </message>
    <message>
        <source>Record…</source>
        <translation>录音…</translation>
    </message>
    <message>
        <source>Record at this workstation&apos;s microphone (Ctrl+R)</source>
        <translation>用本机麦克风录音（Ctrl+R）</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>New prompt from text</source>
        <translation>由文字生成新提示</translation>
    </message>
    <message>
        <source>&amp;Text</source>
        <translation>文字(&amp;T)</translation>
    </message>
    <message>
        <source>Na&amp;me</source>
        <translation>名称(&amp;M)</translation>
    </message>
    <message>
        <source>What the loudspeaker says, e.g. 请勿占道经营，请自觉离开</source>
        <translation>喇叭要播报的话，例如：请勿占道经营，请自觉离开</translation>
    </message>
    <message>
        <source>Optional: taken from the first words</source>
        <translation>可不填：取文字的开头</translation>
    </message>
    <message>
        <source>Speak and add</source>
        <translation>生成并添加</translation>
    </message>
    <message>
        <source>Ctrl+N to type a new one</source>
        <translation>按 Ctrl+N 输入新的文字</translation>
    </message>
    <message>
        <source>Standard prompts cannot be deleted</source>
        <translation>标准提示不能删除</translation>
    </message>
    <message>
        <source>Delete the prompt (Delete)</source>
        <translation>删除这条提示（Delete 键）</translation>
    </message>
    <message>
        <source>Speaking “{0}”…</source>
        <translation>正在生成语音“{0}”…</translation>
    </message>
    <message>
        <source>Import a sound file</source>
        <translation>导入声音文件</translation>
    </message>
    <message>
        <source>Sound files ({0});;All files (*)</source>
        <translation>声音文件 ({0});;所有文件 (*)</translation>
    </message>
    <message>
        <source>Importing {0}…</source>
        <translation>正在导入 {0}…</translation>
    </message>
    <message>
        <source>No microphone was found on this workstation, so nothing can be recorded. Connect one and try again, or import a recorded sound file.</source>
        <translation>本机没有找到麦克风，无法录音。请连接麦克风后重试，或导入已录好的声音文件。</translation>
    </message>
    <message>
        <source>Keeping the recording…</source>
        <translation>正在保存录音…</translation>
    </message>
    <message>
        <source>Added “{0}” ({1}).</source>
        <translation>已添加“{0}”（{1}）。</translation>
    </message>
    <message>
        <source>No sound output was found on this workstation, so the prompt cannot be heard here. It still plays on the loudspeakers at the scene.</source>
        <translation>本机没有找到声音输出设备，无法在本机试听。提示仍可在现场喇叭播放。</translation>
    </message>
    <message>
        <source>Playing “{0}” here…</source>
        <translation>正在本机播放“{0}”…</translation>
    </message>
    <message>
        <source>Renamed to “{0}”.</source>
        <translation>已重命名为“{0}”。</translation>
    </message>
    <message>
        <source>Standard prompts cannot be deleted.</source>
        <translation>标准提示不能删除。</translation>
    </message>
    <message>
        <source>Delete prompt</source>
        <translation>删除提示</translation>
    </message>
    <message>
        <source>Delete the prompt “{0}”?</source>
        <translation>删除提示“{0}”吗？</translation>
    </message>
    <message>
        <source>Deleted “{0}”.</source>
        <translation>已删除“{0}”。</translation>
    </message>
    <message>
        <source>Prompts cannot be made from text here.</source>
        <translation>本机无法由文字生成提示。</translation>
    </message>
</context>
<context>
    <name>PromptWords</name>
    <message>
        <source>Standard</source>
        <translation>标准</translation>
    </message>
    <message>
        <source>From text</source>
        <translation>文字生成</translation>
    </message>
    <message>
        <source>Imported</source>
        <translation>外部导入</translation>
    </message>
    <message>
        <source>Recorded</source>
        <translation>录音</translation>
    </message>
    <message>
        <source>Mandarin</source>
        <translation>普通话</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英语</translation>
    </message>
    <message>
        <source>{0:.1f} s</source>
        <translation>{0:.1f} 秒</translation>
    </message>
    <message>
        <source>eSpeak NG is not installed, so prompts cannot be made from text. The standard prompts still play; recorded and imported prompts can be added.</source>
        <translation>未安装 eSpeak NG，无法由文字生成提示。标准提示照常播放，也仍可添加录音或导入的提示。</translation>
    </message>
    <message>
        <source>eSpeak NG has no voice for this language.</source>
        <translation>eSpeak NG 没有这种语言的语音。</translation>
    </message>
    <message>
        <source>Type what the loudspeaker should say.</source>
        <translation>请输入喇叭要播报的话。</translation>
    </message>
    <message>
        <source>The text is too long: at most {0} characters.</source>
        <translation>文字太长：最多 {0} 个字。</translation>
    </message>
    <message>
        <source>eSpeak NG could not speak this text.</source>
        <translation>eSpeak NG 无法朗读这段文字。</translation>
    </message>
    <message>
        <source>eSpeak NG did not finish in time.</source>
        <translation>eSpeak NG 未能按时完成。</translation>
    </message>
    <message>
        <source>eSpeak NG produced no sound for this text.</source>
        <translation>eSpeak NG 没有为这段文字生成声音。</translation>
    </message>
    <message>
        <source>{0}: the file does not exist.</source>
        <translation>{0}：文件不存在。</translation>
    </message>
    <message>
        <source>{0}: the file cannot be read.</source>
        <translation>{0}：无法读取文件。</translation>
    </message>
    <message>
        <source>{0}: not a sound file that can be played.</source>
        <translation>{0}：不是可以播放的声音文件。</translation>
    </message>
    <message>
        <source>{0}: there is nothing to hear in it.</source>
        <translation>{0}：文件里没有声音。</translation>
    </message>
    <message>
        <source>{0}: too long for a prompt (at most {1:g} seconds).</source>
        <translation>{0}：作为提示太长（最长 {1:g} 秒）。</translation>
    </message>
    <message>
        <source>This prompt no longer exists.</source>
        <translation>这条提示已不存在。</translation>
    </message>
    <message>
        <source>Give the prompt a name.</source>
        <translation>请给提示起个名称。</translation>
    </message>
    <message>
        <source>Another prompt is already named “{0}”.</source>
        <translation>已有提示名为“{0}”。</translation>
    </message>
    <message>
        <source>Standard prompts cannot be deleted.</source>
        <translation>标准提示不能删除。</translation>
    </message>
    <message>
        <source>Prompts cannot be made from text on this workstation.</source>
        <translation>本机无法由文字生成提示。</translation>
    </message>
    <message>
        <source>The sound file of this prompt is missing: {0}</source>
        <translation>这条提示的声音文件不见了：{0}</translation>
    </message>
    <message>
        <source>The sound file of this prompt is damaged: {0}</source>
        <translation>这条提示的声音文件已损坏：{0}</translation>
    </message>
    <message>
        <source>Another workstation changed this prompt at the same time; its version is shown.</source>
        <translation>另一台工作站同时修改了这条提示；现显示对方的版本。</translation>
    </message>
    <message>
        <source>The prompt list is being saved by another workstation; try again.</source>
        <translation>另一台工作站正在保存提示列表，请稍后重试。</translation>
    </message>
    <message>
        <source>Not saved: the prompt folder cannot be written ({0}).</source>
        <translation>未保存：提示文件夹无法写入（{0}）。</translation>
    </message>
    <message>
        <source>Not done: {0}</source>
        <translation>未完成：{0}</translation>
    </message>
</context>
<context>
    <name>Ptz</name>
    <message>
        <source>on preset {0}</source>
        <translation>位于预置位 {0}</translation>
    </message>
    <message>
        <source>moving</source>
        <translation>转动中</translation>
    </message>
    <message>
        <source>off preset</source>
        <translation>不在预置位</translation>
    </message>
    <message>
        <source>position unknown: {0}</source>
        <translation>位置未知：{0}</translation>
    </message>
    <message>
        <source>position unknown</source>
        <translation>位置未知</translation>
    </message>
    <message>
        <source>you</source>
        <translation>您</translation>
    </message>
    <message>
        <source>locked by {0} for {1} min</source>
        <translation>已由{0}锁定，剩余 {1} 分钟</translation>
    </message>
    <message>
        <source>controlled by {0}</source>
        <translation>由{0}控制</translation>
    </message>
    <message>
        <source>free</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>step {0}: {1}</source>
        <translation>第 {0} 步：{1}</translation>
    </message>
    <message>
        <source>patrol stopped</source>
        <translation>巡航已停止</translation>
    </message>
    <message>
        <source>patrolling · {0} · {1:.0f}/{2:.0f} s</source>
        <translation>巡航中 · {0} · {1:.0f}/{2:.0f} 秒</translation>
    </message>
    <message>
        <source>patrol waits for {0}</source>
        <translation>巡航等待 {0} 释放</translation>
    </message>
    <message>
        <source>patrol resumes soon</source>
        <translation>巡航即将恢复</translation>
    </message>
    <message>
        <source>patrolling · {0}</source>
        <translation>巡航中 · {0}</translation>
    </message>
    <message>
        <source>Locked by {0} for another {1} min</source>
        <translation>已由{0}锁定，剩余 {1} 分钟</translation>
    </message>
    <message>
        <source>operator</source>
        <translation>座席员</translation>
    </message>
    <message>
        <source>verification</source>
        <translation>核查</translation>
    </message>
    <message>
        <source>detection follow-up</source>
        <translation>识别跟踪</translation>
    </message>
    <message>
        <source>patrol</source>
        <translation>巡航</translation>
    </message>
    <message>
        <source>Held by {0} ({1})</source>
        <translation>{0}（{1}）正在控制</translation>
    </message>
    <message>
        <source>{0} is steering this camera</source>
        <translation>{0} 正在操作这台摄像机</translation>
    </message>
    <message>
        <source>Only {0} or a shift leader can unlock it</source>
        <translation>只有 {0} 或值班长可以解锁</translation>
    </message>
    <message>
        <source>The camera is not locked</source>
        <translation>该摄像机未锁定</translation>
    </message>
    <message>
        <source>Home</source>
        <translation>归位</translation>
    </message>
    <message>
        <source>Home position (Home key)</source>
        <translation>回到初始位置（Home 键）</translation>
    </message>
    <message>
        <source>Stop the camera</source>
        <translation>停止云台</translation>
    </message>
    <message>
        <source>Zoom in: tap for a step, hold to keep zooming (+ key)</source>
        <translation>放大：轻按一下放大一级，按住持续放大（+ 键）</translation>
    </message>
    <message>
        <source>Zoom out: tap for a step, hold to keep zooming (− key)</source>
        <translation>缩小：轻按一下缩小一级，按住持续缩小（− 键）</translation>
    </message>
    <message>
        <source>Hold to turn (arrow keys on the focused picture)</source>
        <translation>按住转动（放大画面上也可用方向键）</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <source>Go to</source>
        <translation>调用</translation>
    </message>
    <message>
        <source>Save preset…</source>
        <translation>设置预置位…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Lock (min)</source>
        <translation>锁定（分钟）</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>Start patrol</source>
        <translation>开始巡航</translation>
    </message>
    <message>
        <source>Stop patrol</source>
        <translation>停止巡航</translation>
    </message>
    <message>
        <source>Edit patrol…</source>
        <translation>编辑巡航…</translation>
    </message>
    <message>
        <source>PTZ: {0}</source>
        <translation>云台：{0}</translation>
    </message>
    <message>
        <source>PTZ</source>
        <translation>（未选择球机）</translation>
    </message>
    <message>
        <source>Focus or select a PTZ camera to steer it.</source>
        <translation>放大或选中一台云台摄像机即可控制。</translation>
    </message>
    <message>
        <source>PTZ · {0}</source>
        <translation>{0}</translation>
    </message>
    <message>
        <source>No patrol set up for this camera</source>
        <translation>该摄像机未设置巡航</translation>
    </message>
    <message>
        <source>Save preset</source>
        <translation>设置预置位</translation>
    </message>
    <message>
        <source>Name of the preset (e.g. 市场北门):</source>
        <translation>预置位名称（如：市场北门）：</translation>
    </message>
    <message>
        <source>Preset “{0}” saved</source>
        <translation>预置位“{0}”已保存</translation>
    </message>
    <message>
        <source>Camera locked for {0} min</source>
        <translation>摄像机已锁定 {0} 分钟</translation>
    </message>
</context>
<context>
    <name>RecordDialog</name>
    <message>
        <source>Record a prompt</source>
        <translation>录制提示</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>名称(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;What it says</source>
        <translation>播报内容(&amp;W)</translation>
    </message>
    <message>
        <source>Microphone</source>
        <translation>麦克风</translation>
    </message>
    <message>
        <source>Optional: the words, for the record</source>
        <translation>可不填：录音说的话，便于查阅</translation>
    </message>
    <message>
        <source>■ Stop</source>
        <translation>■ 停止</translation>
    </message>
    <message>
        <source>● Record</source>
        <translation>● 录音</translation>
    </message>
    <message>
        <source>{0:.1f} s of at most {1:g} s</source>
        <translation>{0:.1f} 秒（最长 {1:g} 秒）</translation>
    </message>
</context>
<context>
    <name>SaveViewDialog</name>
    <message>
        <source>Save view</source>
        <translation>保存视图</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>名称(&amp;N)</translation>
    </message>
    <message>
        <source>e.g. Station square, night</source>
        <translation>例如：站前广场夜间</translation>
    </message>
    <message>
        <source>&amp;Share with every operator of this site</source>
        <translation>与本中心所有座席员共享(&amp;S)</translation>
    </message>
    <message>
        <source>Every operator of this site will see it in their list of views.</source>
        <translation>本中心所有座席员都会在视图列表中看到它。</translation>
    </message>
    <message>
        <source>Only you will see it.</source>
        <translation>仅自己可见。</translation>
    </message>
</context>
<context>
    <name>Shift</name>
    <message>
        <source>Who is on shift?</source>
        <translation>谁在值班？</translation>
    </message>
    <message>
        <source>Your name, as it goes on every alert you handle and every camera you lock:</source>
        <translation>您的姓名（记录在您处理的每条告警和锁定的每台摄像机上）：</translation>
    </message>
    <message>
        <source>Start the shift</source>
        <translation>开始值班</translation>
    </message>
</context>
<context>
    <name>Snapshot</name>
    <message>
        <source>Snapshot not saved: the frame has no capture time</source>
        <translation>抓拍未保存：该帧没有采集时间</translation>
    </message>
    <message>
        <source>Captured {0}</source>
        <translation>采集时间 {0}</translation>
    </message>
    <message>
        <source>Snapshot not saved: the tile has no picture</source>
        <translation>抓拍未保存：该画面没有图像</translation>
    </message>
    <message>
        <source>Snapshot not saved: the tile shows no camera</source>
        <translation>抓拍未保存：该画面未放置摄像机</translation>
    </message>
    <message>
        <source>Snapshot not saved: PNG encoding failed: {0}</source>
        <translation>抓拍未保存：PNG 编码失败：{0}</translation>
    </message>
    <message>
        <source>Snapshot not saved in {0}: {1}</source>
        <translation>抓拍未能保存到 {0}：{1}</translation>
    </message>
    <message>
        <source>no main stream here</source>
        <translation>本机未接入主码流</translation>
    </message>
    <message>
        <source>Snapshot not saved: no picture from {0} ({1})</source>
        <translation>抓拍未保存：{0} 没有画面（{1}）</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Taking a snapshot of {0} (main stream)…</source>
        <translation>正在抓拍 {0}（主码流）…</translation>
    </message>
    <message>
        <source>Snapshot taken: {0}</source>
        <translation>已抓拍：{0}</translation>
    </message>
    <message>
        <source>Snapshot taken (tile picture, main stream unavailable): {0}</source>
        <translation>已抓拍（画面截图，主码流未取到）：{0}</translation>
    </message>
    <message>
        <source>{0}, {1} pixels</source>
        <translation>{0}，{1} 像素</translation>
    </message>
</context>
<context>
    <name>Stores</name>
    <message>
        <source>The zones of {0} at this preset</source>
        <translation>{0} 在此预置位的检测区域</translation>
    </message>
    <message>
        <source>The layout “{0}”</source>
        <translation>布局“{0}”</translation>
    </message>
    <message>
        <source>The patrol of {0}</source>
        <translation>{0} 的巡航</translation>
    </message>
    <message>
        <source>The view “{0}”</source>
        <translation>视图“{0}”</translation>
    </message>
    <message>
        <source>{0} was changed at another workstation after you opened it.</source>
        <translation>{0}在您打开之后已被其他工作站修改。</translation>
    </message>
    <message>
        <source>{0} was deleted at workstation “{1}” at {2}, after you opened it.</source>
        <translation>{0}在您打开之后，已于 {2} 被工作站“{1}”删除。</translation>
    </message>
    <message>
        <source>{0} was changed at workstation “{1}” at {2}, after you opened it.</source>
        <translation>{0}在您打开之后，已于 {2} 被工作站“{1}”修改。</translation>
    </message>
    <message>
        <source>{0} was not saved: another workstation has been saving the shared file for more than {1} s. Nothing was changed; try again.</source>
        <translation>{0}未保存：另一工作站保存该共享文件已超过 {1} 秒。未做任何更改，请重试。</translation>
    </message>
    <message>
        <source>Your change was not saved; theirs is shown. Save again to replace theirs with yours.</source>
        <translation>您的修改未保存，现显示对方的版本。再次保存将以您的版本替换。</translation>
    </message>
    <message>
        <source>Replace their version with yours?</source>
        <translation>以您的版本替换对方的版本？</translation>
    </message>
    <message>
        <source>Changed at another workstation</source>
        <translation>已被其他工作站修改</translation>
    </message>
</context>
<context>
    <name>StreamFailure</name>
    <message>
        <source>Network unreachable</source>
        <translation>网络不通</translation>
    </message>
    <message>
        <source>Connection refused</source>
        <translation>连接被拒绝</translation>
    </message>
    <message>
        <source>No answer</source>
        <translation>无应答</translation>
    </message>
    <message>
        <source>Login refused</source>
        <translation>登录被拒绝</translation>
    </message>
    <message>
        <source>Stream not found</source>
        <translation>视频流不存在</translation>
    </message>
    <message>
        <source>Undecodable stream</source>
        <translation>视频无法解码</translation>
    </message>
    <message>
        <source>No video in stream</source>
        <translation>流中没有视频</translation>
    </message>
    <message>
        <source>Unsupported format</source>
        <translation>不支持的格式</translation>
    </message>
    <message>
        <source>Connection lost</source>
        <translation>连接中断</translation>
    </message>
    <message>
        <source>No data arriving</source>
        <translation>没有数据</translation>
    </message>
    <message>
        <source>Decoder hung</source>
        <translation>解码卡死</translation>
    </message>
    <message>
        <source>Decoder restarting</source>
        <translation>解码进程重启中</translation>
    </message>
    <message>
        <source>Stream address unknown</source>
        <translation>视频流地址未知</translation>
    </message>
    <message>
        <source>Stream error</source>
        <translation>视频流错误</translation>
    </message>
    <message>
        <source>Check the network and the camera&apos;s address.</source>
        <translation>请检查网络和摄像机地址。</translation>
    </message>
    <message>
        <source>The camera is off, or its RTSP port is wrong.</source>
        <translation>摄像机未开机，或 RTSP 端口不对。</translation>
    </message>
    <message>
        <source>The camera or the network is down or overloaded.</source>
        <translation>摄像机或网络故障、负载过高。</translation>
    </message>
    <message>
        <source>Check the user name and password in the site file.</source>
        <translation>请检查站点文件中的用户名和密码。</translation>
    </message>
    <message>
        <source>Check the stream address (path) in the site file.</source>
        <translation>请检查站点文件中的视频流地址（路径）。</translation>
    </message>
    <message>
        <source>The camera sends a stream that cannot be decoded.</source>
        <translation>摄像机发送的视频流无法解码。</translation>
    </message>
    <message>
        <source>The stream carries no video: check the stream address.</source>
        <translation>该流中没有视频，请检查视频流地址。</translation>
    </message>
    <message>
        <source>Set the camera to H.264 or H.265.</source>
        <translation>请将摄像机编码设为 H.264 或 H.265。</translation>
    </message>
    <message>
        <source>The camera closed the connection; retrying.</source>
        <translation>摄像机断开了连接，正在重试。</translation>
    </message>
    <message>
        <source>Connected, but no data for a while; retrying.</source>
        <translation>已连接，但一段时间没有数据，正在重试。</translation>
    </message>
    <message>
        <source>The camera&apos;s decoder was replaced; retrying.</source>
        <translation>该摄像机的解码器已更换，正在重试。</translation>
    </message>
    <message>
        <source>Its decoder process is being restarted.</source>
        <translation>其解码进程正在重启。</translation>
    </message>
    <message>
        <source>The camera gave no stream address (ONVIF).</source>
        <translation>摄像机未给出视频流地址（ONVIF）。</translation>
    </message>
    <message>
        <source>See the detail below and the log.</source>
        <translation>详见下方说明和日志。</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
</context>
<context>
    <name>SuppressedPlaces</name>
    <message>
        <source>Suppressed false alarm</source>
        <translation>误报屏蔽</translation>
    </message>
    <message>
        <source>Fixed object (found by detection)</source>
        <translation>固定设施（检测自动识别）</translation>
    </message>
    <message>
        <source>Remove suppressed place</source>
        <translation>解除误报屏蔽</translation>
    </message>
    <message>
        <source>fixed view</source>
        <translation>枪机画面</translation>
    </message>
    <message>
        <source>preset {0}</source>
        <translation>预置位 {0}</translation>
    </message>
    <message>
        <source>{0} — {1}</source>
        <translation>{0} — {1}</translation>
    </message>
    <message>
        <source>Suppressed false alarms ({0})</source>
        <translation>误报屏蔽（{0}）</translation>
    </message>
    <message>
        <source>None yet. A vending alert dismissed as false detection or fixed object is suppressed here: the same thing in the same place raises no alert again.</source>
        <translation>暂无。占道经营告警以“误检”或“固定设施”排除后，在此加入误报屏蔽：同一位置的同一物体不再报警。</translation>
    </message>
    <message>
        <source>Remove suppression (Del)…</source>
        <translation>解除误报屏蔽（Del）…</translation>
    </message>
    <message>
        <source>The file of suppressed places has a problem: {0}</source>
        <translation>误报屏蔽文件有问题：{0}</translation>
    </message>
    <message>
        <source>{0}, {1}</source>
        <translation>{0}，{1}</translation>
    </message>
    <message>
        <source>by {0} at {1}, alert {2}</source>
        <translation>{0} 于 {1} 排除，告警 {2}</translation>
    </message>
    <message>
        <source>At another preset: not drawn on this picture.</source>
        <translation>属于其他预置位：不在本画面中显示。</translation>
    </message>
    <message>
        <source>Remove the suppression “{0}” in {1}?

The same thing in the same place will raise alerts again.</source>
        <translation>解除“{1}”中的误报屏蔽“{0}”？

同一位置的同一物体将再次报警。</translation>
    </message>
    <message>
        <source>Removed: {0}. Detection raises it again there.</source>
        <translation>已解除：{0}。该位置将再次报警。</translation>
    </message>
    <message>
        <source>Not yet saved to the shared folder (see the system events); it is kept here and saved with the next change.</source>
        <translation>尚未保存到共享文件夹（见系统事件）；本机已保留，下次更改时一并保存。</translation>
    </message>
    <message>
        <source>Counting this camera&apos;s verdicts…</source>
        <translation>正在统计本摄像机的研判结果…</translation>
    </message>
    <message>
        <source>Verdicts could not be counted: {0}</source>
        <translation>无法统计研判结果：{0}</translation>
    </message>
    <message>
        <source>Verdicts of the last {0} days:</source>
        <translation>近 {0} 天研判结果：</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <source>no alert on this camera.</source>
        <translation>本摄像机无告警。</translation>
    </message>
</context>
<context>
    <name>SystemEvents</name>
    <message>
        <source>Camera {0} lost its picture</source>
        <translation>摄像机 {0} 画面中断</translation>
    </message>
    <message>
        <source>Camera {0} is back</source>
        <translation>摄像机 {0} 画面已恢复</translation>
    </message>
    <message>
        <source>Video decoder {0} was restarted; its cameras reconnect</source>
        <translation>视频解码进程 {0} 已重启，其摄像机正在重连</translation>
    </message>
    <message>
        <source>Detection stopped unexpectedly; restarting in {1} s</source>
        <translation>检测进程意外停止，{1} 秒后重启</translation>
    </message>
    <message>
        <source>Detection is running again (resumed {1} camera views)</source>
        <translation>检测已恢复运行（已接续 {1} 个画面的检测状态）</translation>
    </message>
    <message>
        <source>Detection problem on {0}</source>
        <translation>{0} 的检测出现问题</translation>
    </message>
    <message>
        <source>Detection now uses the updated vending model {0}</source>
        <translation>检测已启用更新后的占道经营识别模型 {0}</translation>
    </message>
    <message>
        <source>The new vending model {0} could not be loaded; the previous one is still used</source>
        <translation>新的占道经营识别模型 {0} 无法加载，继续使用原模型</translation>
    </message>
    <message>
        <source>Evidence picture of an alert on {0} was not saved</source>
        <translation>{0} 告警的证据图片未能保存</translation>
    </message>
    <message>
        <source>The verdict on alert {0} was not kept as training data</source>
        <translation>告警 {0} 的判定未能保存为训练样本</translation>
    </message>
    <message>
        <source>Data folder is read-only: zones, patrols, alerts and evidence are not saved ({0})</source>
        <translation>数据文件夹只读：区域、巡航、告警和证据均无法保存（{0}）</translation>
    </message>
    <message>
        <source>Data folder cannot be used: {0}</source>
        <translation>数据文件夹无法使用：{0}</translation>
    </message>
    <message>
        <source>Low disk space: {1} MiB left for {0}</source>
        <translation>磁盘空间不足：{0} 仅剩 {1} MiB</translation>
    </message>
    <message>
        <source>Disk full: nothing more can be saved in {0}</source>
        <translation>磁盘已满：{0} 无法再保存任何内容</translation>
    </message>
    <message>
        <source>Disk space is sufficient again</source>
        <translation>磁盘空间已恢复正常</translation>
    </message>
    <message>
        <source>A saved file is damaged; its readable part is used and the file is kept: {0}</source>
        <translation>保存的文件已损坏：可读部分照常使用，原文件已保留：{0}</translation>
    </message>
    <message>
        <source>Another workstation changed {0} at the same time</source>
        <translation>其他工作站同时修改了 {0}</translation>
    </message>
    <message>
        <source>Changes were not saved to {0}</source>
        <translation>更改未能保存到 {0}</translation>
    </message>
    <message>
        <source>Site file saved: {0} (restart CityWall to use the changes)</source>
        <translation>站点文件已保存：{0}（重启 CityWall 后生效）</translation>
    </message>
    <message>
        <source>Site file not saved: {0}</source>
        <translation>站点文件未能保存：{0}</translation>
    </message>
    <message>
        <source>Snapshot saved: {0}</source>
        <translation>抓拍已保存：{0}</translation>
    </message>
    <message>
        <source>Snapshot not saved: {0}</source>
        <translation>抓拍未能保存：{0}</translation>
    </message>
    <message>
        <source>Alerts are not being saved to the database; they are kept until it works again</source>
        <translation>告警无法写入数据库，暂存于本机，恢复后自动补写</translation>
    </message>
    <message>
        <source>Alerts are saved to the database again</source>
        <translation>告警已恢复写入数据库</translation>
    </message>
    <message>
        <source>A case could not be saved to the database; it is kept and tried again: {0}</source>
        <translation>案件未能保存到数据库，已暂存并将重试：{0}</translation>
    </message>
    <message>
        <source>Cases are saved to the database again</source>
        <translation>案件已恢复保存到数据库</translation>
    </message>
    <message>
        <source>Case {0} is overdue</source>
        <translation>案件 {0} 已超期</translation>
    </message>
    <message>
        <source>The case settings file has errors; the last good one is used: {0}</source>
        <translation>案件配置文件有错误，继续使用上一份正确的配置：{0}</translation>
    </message>
    <message>
        <source>The case settings file is read again: {0}</source>
        <translation>案件配置文件已重新读取：{0}</translation>
    </message>
    <message>
        <source>Cases cannot be sent to the city platform; they wait in the outbox</source>
        <translation>案件无法发送到城市管理平台，已在待发队列中等待</translation>
    </message>
    <message>
        <source>Cases are sent to the city platform again</source>
        <translation>案件已恢复发送到城市管理平台</translation>
    </message>
    <message>
        <source>The public holidays of {0} are not known: deadlines count only weekends as days off (list them in the calendar file, or update CityWall)</source>
        <translation>{0} 年的法定节假日未知：处理时限只把周末算作休息日（请在工作日历文件中列出，或更新 CityWall）</translation>
    </message>
    <message>
        <source>Loudspeaker {0} cannot be reached: {1}</source>
        <translation>喇叭 {0} 无法播放：{1}</translation>
    </message>
    <message>
        <source>Loudspeaker {0} plays again</source>
        <translation>喇叭 {0} 已恢复播放</translation>
    </message>
    <message>
        <source>Voice settings: {0}</source>
        <translation>喊话设置：{0}</translation>
    </message>
    <message>
        <source>Detection is off: it cannot read the cameras&apos; pictures</source>
        <translation>检测已关闭：无法读取摄像机画面</translation>
    </message>
    <message>
        <source>Detection is off: a detector could not be loaded</source>
        <translation>检测已关闭：检测器无法加载</translation>
    </message>
    <message>
        <source>Detection is off: the site&apos;s detection settings are wrong</source>
        <translation>检测已关闭：站点的检测设置有误</translation>
    </message>
    <message>
        <source>Detection is off: there is no room for its pictures</source>
        <translation>检测已关闭：没有存放检测画面的空间</translation>
    </message>
    <message>
        <source>The retrained bin classifier could not be loaded; the previous one is used</source>
        <translation>重新训练的垃圾桶分类器无法加载，继续使用原分类器</translation>
    </message>
    <message>
        <source>No pictures for detection from {0}</source>
        <translation>{0} 没有可供检测的画面</translation>
    </message>
    <message>
        <source>The detection zones of {0} cannot be used</source>
        <translation>{0} 的检测区域无法使用</translation>
    </message>
    <message>
        <source>A detection check of {0} failed; it starts afresh</source>
        <translation>{0} 的一次检测失败，已重新开始检测</translation>
    </message>
    <message>
        <source>Detection cannot visit every camera in time (every {1} s at best)</source>
        <translation>检测无法按时轮到所有摄像机（最快每 {1} 秒一次）</translation>
    </message>
    <message>
        <source>Info</source>
        <translation>信息</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Fault</source>
        <translation>故障</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <source>Camera id: {0}</source>
        <translation>摄像机编号：{0}</translation>
    </message>
    <message>
        <source>Details: {0}</source>
        <translation>详情：{0}</translation>
    </message>
    <message>
        <source>{0} camera(s) without picture</source>
        <translation>{0} 路摄像机无画面</translation>
    </message>
    <message>
        <source>No open problems</source>
        <translation>当前没有未恢复的故障</translation>
    </message>
    <message>
        <source>Problems only</source>
        <translation>只看故障和警告</translation>
    </message>
    <message>
        <source>{0} open problem(s)</source>
        <translation>{0} 个未恢复的故障</translation>
    </message>
</context>
<context>
    <name>TaughtView</name>
    <message>
        <source>Clean now: the selected zone&apos;s reference</source>
        <translation>立即采集所选区域的参照画面</translation>
    </message>
    <message>
        <source>The zone&apos;s picture as detection sees it next becomes its reference: what stands there now is a fixed object and never raises an alert. Use it when the zone is clear of stalls.</source>
        <translation>检测下一次看到的该区域画面将作为参照：届时在场的物体视为固定设施，不会报警。请在区域内没有摊点时使用。</translation>
    </message>
    <message>
        <source>The reference of this view&apos;s zones holds {0} object(s) (dashed green): as fixed objects they never raise an alert. If one of them is a stall that stood there when the reference was taken, select its zone and press “Clean now” once the stall has gone.</source>
        <translation>本画面各区域的参照画面中有 {0} 个物体（绿色虚线框），作为固定设施不会报警。若其中有采集参照时就在的摊点，请在摊点离开后选中其区域，按“立即采集所选区域的参照画面”。</translation>
    </message>
    <message>
        <source>Zone {0}: its reference is taken from the next checked picture; what stands there then is treated as a fixed object.</source>
        <translation>区域 {0}：参照画面取自下一次检查的画面；届时在场的物体视为固定设施。</translation>
    </message>
    <message>
        <source>Zone {0}: detection cannot take a reference now; nothing was changed.</source>
        <translation>区域 {0}：检测暂时无法采集参照画面，未做任何更改。</translation>
    </message>
    <message>
        <source>Select a saved no-vending zone to take its reference now.</source>
        <translation>选择一个已保存的禁止区域，即可立即采集其参照画面。</translation>
    </message>
</context>
<context>
    <name>TileMenu</name>
    <message>
        <source>Enlarge (main stream)</source>
        <translation>放大查看</translation>
    </message>
    <message>
        <source>Back to the wall</source>
        <translation>返回视频墙</translation>
    </message>
    <message>
        <source>Snapshot</source>
        <translation>抓拍</translation>
    </message>
    <message>
        <source>PTZ control</source>
        <translation>云台控制</translation>
    </message>
    <message>
        <source>Draw zones…</source>
        <translation>划定区域…</translation>
    </message>
    <message>
        <source>Remove from view</source>
        <translation>移出画面</translation>
    </message>
    <message>
        <source>Open in a new window</source>
        <translation>在新窗口打开</translation>
    </message>
</context>
<context>
    <name>Tree</name>
    <message>
        <source>Find camera: name, id, grid code or pinyin (jfl)</source>
        <translation>查找摄像机：名称、编号、网格码、拼音</translation>
    </message>
    <message>
        <source>No match</source>
        <translation>无匹配</translation>
    </message>
    <message>
        <source>Type the name of a camera or of its area (street, district), its id, grid code, pinyin or pinyin initials.</source>
        <translation>可输入摄像机名称、所在街道或区、编号、网格码、拼音或拼音首字母。</translation>
    </message>
    <message>
        <source>Not grouped</source>
        <translation>未分组</translation>
    </message>
</context>
<context>
    <name>Triage</name>
    <message>
        <source>Loading the picture…</source>
        <translation>正在读取图片…</translation>
    </message>
    <message>
        <source>no evidence store is open</source>
        <translation>未打开证据存储</translation>
    </message>
    <message>
        <source>Evidence: {0}</source>
        <translation>证据：{0}</translation>
    </message>
    <message>
        <source>Alarm: newest alert not yet taken</source>
        <translation>告警提示：最新待签收告警</translation>
    </message>
    <message>
        <source>Take A</source>
        <translation>签收 A</translation>
    </message>
    <message>
        <source>No alert waits to be taken.</source>
        <translation>没有待签收的告警。</translation>
    </message>
    <message>
        <source>This alert has no evidence picture.</source>
        <translation>此告警没有证据图片。</translation>
    </message>
    <message>
        <source>{0} more alert(s) not yet taken</source>
        <translation>另有 {0} 条告警待签收</translation>
    </message>
    <message>
        <source>The evidence picture cannot be read: {0}</source>
        <translation>证据图片无法读取：{0}</translation>
    </message>
    <message>
        <source>Next alert</source>
        <translation>下一条告警</translation>
    </message>
    <message>
        <source>Previous alert</source>
        <translation>上一条告警</translation>
    </message>
    <message>
        <source>Take it (I have seen it)</source>
        <translation>签收（我已看到）</translation>
    </message>
    <message>
        <source>Confirm: a real violation</source>
        <translation>确认违规（属实）</translation>
    </message>
    <message>
        <source>Dismiss as false; the digit is the reason: 1 false detection, 2 fixed object, 3 inside the shop, 4 permitted, 5 gone, 6 other (type why)</source>
        <translation>排除误报，数字选原因：1 误检，2 固定设施，3 店内经营，4 合规经营，5 已离开，6 其他（输入原因）</translation>
    </message>
    <message>
        <source>Mute it and its zone: 1 for 10 min, 2 for 30 min, 3 for 60 min, 0 unmute</source>
        <translation>静音此告警及其区域：1 为 10 分钟，2 为 30 分钟，3 为 60 分钟，0 取消静音</translation>
    </message>
    <message>
        <source>Assign to an operator…</source>
        <translation>指派给座席员…</translation>
    </message>
    <message>
        <source>Send to the shift leader</source>
        <translation>上报值班长</translation>
    </message>
    <message>
        <source>Open the evidence</source>
        <translation>查看证据</translation>
    </message>
    <message>
        <source>Show its camera in focus (the saved view stays as it is)</source>
        <translation>放大查看其摄像机画面（不改动已保存的视图）</translation>
    </message>
    <message>
        <source>Show its case in the case window</source>
        <translation>在案件窗口中显示它的案件</translation>
    </message>
    <message>
        <source>Next list (open, not yet taken, confirmed …)</source>
        <translation>切换列表（未处理、待签收、已确认违规…）</translation>
    </message>
    <message>
        <source>Alert list (while it has the keyboard)</source>
        <translation>告警列表（列表获得键盘焦点时）</translation>
    </message>
    <message>
        <source>Times in the site&apos;s time zone ({0})</source>
        <translation>时间均为本站时区（{0}）</translation>
    </message>
    <message>
        <source>Raised</source>
        <translation>告警时间</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>证据</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>持续</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <source>preset {0}</source>
        <translation>预置位 {0}</translation>
    </message>
    <message>
        <source>no picture</source>
        <translation>无证据图片</translation>
    </message>
    <message>
        <source>picture missing</source>
        <translation>证据图片缺失</translation>
    </message>
    <message>
        <source>Confidence {0:.0%} · priority: {1}</source>
        <translation>置信度 {0:.0%} · 优先级：{1}</translation>
    </message>
    <message>
        <source>Note: {0}</source>
        <translation>备注：{0}</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>未处理</translation>
    </message>
    <message>
        <source>Not yet taken</source>
        <translation>待签收</translation>
    </message>
    <message>
        <source>Shift hand-over</source>
        <translation>交接班小结</translation>
    </message>
    <message>
        <source>Shift started at</source>
        <translation>本班开始时间</translation>
    </message>
    <message>
        <source>Summarize</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Export for printing (HTML)…</source>
        <translation>导出打印版（HTML）…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Alerts still open (the next shift takes them over)</source>
        <translation>仍未处理的告警（由下一班接手）</translation>
    </message>
    <message>
        <source>Gathering the shift&apos;s alerts…</source>
        <translation>正在汇总本班告警…</translation>
    </message>
    <message>
        <source>The shift&apos;s alerts cannot be read: {0}</source>
        <translation>无法读取本班告警：{0}</translation>
    </message>
    <message>
        <source>New alerts</source>
        <translation>新告警</translation>
    </message>
    <message>
        <source>Confirmed violations</source>
        <translation>已确认违规</translation>
    </message>
    <message>
        <source>Dismissed as false</source>
        <translation>误报已排除</translation>
    </message>
    <message>
        <source>of these, gone after a voice prompt</source>
        <translation>其中喊话后已离开</translation>
    </message>
    <message>
        <source>Voice prompts played</source>
        <translation>喊话次数</translation>
    </message>
    <message>
        <source>of these, reached a loudspeaker</source>
        <translation>其中送达喇叭</translation>
    </message>
    <message>
        <source>Still open</source>
        <translation>仍未处理</translation>
    </message>
    <message>
        <source>Still not taken</source>
        <translation>仍待签收</translation>
    </message>
    <message>
        <source>New alerts: {0}</source>
        <translation>新告警：{0}</translation>
    </message>
    <message>
        <source>Not saved: {0}: {1}</source>
        <translation>未能保存：{0}：{1}</translation>
    </message>
    <message>
        <source>Saved: {0}</source>
        <translation>已保存：{0}</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Web page (*.html)</source>
        <translation>网页 (*.html)</translation>
    </message>
    <message>
        <source>Target gone</source>
        <translation>目标已离开</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Dismiss as false, why? {0}  (Esc: cancel)</source>
        <translation>排除误报，原因？{0}（Esc 取消）</translation>
    </message>
    <message>
        <source>{0} {1} min</source>
        <translation>{0} {1} 分钟</translation>
    </message>
    <message>
        <source>Mute for how long? {0}  0 unmute  (Esc: cancel)</source>
        <translation>静音多久？{0}  0 取消静音（Esc 取消）</translation>
    </message>
    <message>
        <source>Dismiss as false: say why, then Enter</source>
        <translation>排除误报：请输入原因，按回车确定</translation>
    </message>
    <message>
        <source>Every rule</source>
        <translation>全部规则</translation>
    </message>
    <message>
        <source>Camera, grid code or zone</source>
        <translation>摄像机、网格编码或区域</translation>
    </message>
    <message>
        <source>Take</source>
        <translation>签收</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>确认违规</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>排除</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>静音</translation>
    </message>
    <message>
        <source>Assign</source>
        <translation>指派</translation>
    </message>
    <message>
        <source>To shift leader</source>
        <translation>上报值班长</translation>
    </message>
    <message>
        <source>Show camera</source>
        <translation>查看画面</translation>
    </message>
    <message>
        <source>No alert selected.</source>
        <translation>未选中告警。</translation>
    </message>
    <message>
        <source>Assign to whom? Type a name or pick one, then Enter (Esc: cancel)</source>
        <translation>指派给谁？输入或选择姓名，按回车确定（Esc 取消）</translation>
    </message>
    <message>
        <source>Not possible for this alert (it is: {0}).</source>
        <translation>此告警不能这样处理（当前状态：{0}）。</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <source>{0} — {1}</source>
        <translation>{0} — {1}</translation>
    </message>
    <message>
        <source>; suppressed: the same thing in this place raises no alert again (removable in the camera&apos;s detection zones, Ctrl+D)</source>
        <translation>；已加入误报屏蔽：此位置的同一物体不再报警（可在本摄像机的检测区域中解除，Ctrl+D）</translation>
    </message>
    <message>
        <source>{0} open · {1} not yet taken · {2} listed</source>
        <translation>未处理 {0} · 待签收 {1} · 列出 {2}</translation>
    </message>
    <message>
        <source>Street vending</source>
        <translation>占道经营</translation>
    </message>
    <message>
        <source>Bin overflowing</source>
        <translation>垃圾满溢</translation>
    </message>
    <message>
        <source>Exposed rubbish</source>
        <translation>暴露垃圾</translation>
    </message>
    <message>
        <source>Accumulated rubbish</source>
        <translation>积存垃圾渣土</translation>
    </message>
    <message>
        <source>Unlicensed street vendor</source>
        <translation>无照经营游商</translation>
    </message>
    <message>
        <source>Trading outside the shop</source>
        <translation>店外经营</translation>
    </message>
    <message>
        <source>Materials piled up</source>
        <translation>乱堆物料</translation>
    </message>
    <message>
        <source>New alert</source>
        <translation>新告警</translation>
    </message>
    <message>
        <source>Taken</source>
        <translation>已签收</translation>
    </message>
    <message>
        <source>Sent to the shift leader</source>
        <translation>已上报值班长</translation>
    </message>
    <message>
        <source>Confirmed violation</source>
        <translation>已确认违规</translation>
    </message>
    <message>
        <source>Target gone (cleared by itself)</source>
        <translation>目标已离开（自动解除）</translation>
    </message>
    <message>
        <source>Gone after a voice prompt</source>
        <translation>喊话后已离开</translation>
    </message>
    <message>
        <source>False detection</source>
        <translation>误检</translation>
    </message>
    <message>
        <source>Fixed object</source>
        <translation>固定设施</translation>
    </message>
    <message>
        <source>Inside the shop</source>
        <translation>店内经营</translation>
    </message>
    <message>
        <source>Permitted</source>
        <translation>合规经营</translation>
    </message>
    <message>
        <source>Gone</source>
        <translation>已离开</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>normal</source>
        <translation>一般</translation>
    </message>
    <message>
        <source>low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>not yet taken</source>
        <translation>待签收</translation>
    </message>
    <message>
        <source>muted until {0}</source>
        <translation>静音至 {0}</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>&amp;Camera</source>
        <translation>摄像机(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Rule</source>
        <translation>规则(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;State</source>
        <translation>状态(&amp;S)</translation>
    </message>
    <message>
        <source>Dismissal &amp;reason</source>
        <translation>排除原因(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;From</source>
        <translation>起始(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;To</source>
        <translation>截止(&amp;T)</translation>
    </message>
    <message>
        <source>Camera name or id (empty: every camera)</source>
        <translation>摄像机名称或编号（留空：全部摄像机）</translation>
    </message>
    <message>
        <source>Any</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>No camera matches “{0}”.</source>
        <translation>没有与“{0}”匹配的摄像机。</translation>
    </message>
    <message>
        <source>The start is after the end.</source>
        <translation>起始时间晚于截止时间。</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>正在查询…</translation>
    </message>
    <message>
        <source>The search failed: {0}</source>
        <translation>查询失败：{0}</translation>
    </message>
    <message>
        <source>{0} alert(s) found (searched at {1}).</source>
        <translation>找到告警 {0} 条（查询时间 {1}）。</translation>
    </message>
    <message>
        <source>The alarm sound cannot be made: {0}</source>
        <translation>无法生成告警提示音：{0}</translation>
    </message>
    <message>
        <source>Alarm sound</source>
        <translation>告警提示音</translation>
    </message>
    <message>
        <source>Alarm sound on: it repeats while an alert is not yet taken (click to mute)</source>
        <translation>告警提示音已开启：有告警待签收时反复提示（单击静音）</translation>
    </message>
    <message>
        <source>Alarm sound muted (click to turn it on)</source>
        <translation>告警提示音已静音（单击开启）</translation>
    </message>
    <message>
        <source>No sound device plays the alarm: check the speakers.</source>
        <translation>没有可播放告警提示音的声音设备，请检查扬声器。</translation>
    </message>
    <message>
        <source>no open alerts</source>
        <translation>无未处理告警</translation>
    </message>
    <message>
        <source>{0} open alert(s), {1} not yet taken</source>
        <translation>未处理告警 {0} 条，待签收 {1} 条</translation>
    </message>
    <message>
        <source>Current alerts</source>
        <translation>当前告警</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史查询</translation>
    </message>
    <message>
        <source>Alarm window (newest alert not yet taken)</source>
        <translation>告警提示窗口（最新待签收告警）</translation>
    </message>
    <message>
        <source>Shift hand-over…</source>
        <translation>交接班小结…</translation>
    </message>
</context>
<context>
    <name>Verdicts</name>
    <message>
        <source>No alert judged yet ({0} not judged).</source>
        <translation>尚无已研判的告警（{0} 条未判定）。</translation>
    </message>
    <message>
        <source>{0} judged: {1} confirmed, {2} false detection, {3} fixed object, {4} inside the shop, {5} permitted; false-alarm share {6}.</source>
        <translation>已研判 {0} 条：确认属实 {1}，误检 {2}，固定设施 {3}，店内经营 {4}，合规经营 {5}；误报率 {6}。</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <source>Judged</source>
        <translation>已研判</translation>
    </message>
    <message>
        <source>Confirmed</source>
        <translation>确认属实</translation>
    </message>
    <message>
        <source>False detection</source>
        <translation>误检</translation>
    </message>
    <message>
        <source>Fixed object</source>
        <translation>固定设施</translation>
    </message>
    <message>
        <source>Inside the shop</source>
        <translation>店内经营</translation>
    </message>
    <message>
        <source>Permitted</source>
        <translation>合规经营</translation>
    </message>
    <message>
        <source>Not judged</source>
        <translation>未判定</translation>
    </message>
    <message>
        <source>False-alarm share</source>
        <translation>误报率</translation>
    </message>
    <message>
        <source>Counting verdicts…</source>
        <translation>正在统计研判结果…</translation>
    </message>
    <message>
        <source>Each search also counts the verdicts of its alerts.</source>
        <translation>每次查询同时统计所查告警的研判结果。</translation>
    </message>
    <message>
        <source>Verdicts could not be counted: {0}</source>
        <translation>无法统计研判结果：{0}</translation>
    </message>
    <message>
        <source>Verdicts of these alerts: false-alarm share {0} ({1} of {2} judged)</source>
        <translation>所查告警研判结果：误报率 {0}（已研判 {2} 条，其中误报 {1} 条）</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
</context>
<context>
    <name>Voice</name>
    <message>
        <source>no connection</source>
        <translation>无法连接</translation>
    </message>
    <message>
        <source>no answer in time</source>
        <translation>应答超时</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>忙</translation>
    </message>
    <message>
        <source>call not answered</source>
        <translation>呼叫无人接听</translation>
    </message>
    <message>
        <source>refused by the speaker</source>
        <translation>被喇叭拒绝</translation>
    </message>
    <message>
        <source>user name or password refused</source>
        <translation>用户名或密码被拒绝</translation>
    </message>
    <message>
        <source>unexpected answer</source>
        <translation>应答异常</translation>
    </message>
    <message>
        <source>the device has no audio output</source>
        <translation>设备没有音频输出</translation>
    </message>
    <message>
        <source>interrupted by a more urgent announcement</source>
        <translation>被更紧急的广播打断</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>not set up (delivery type or password missing)</source>
        <translation>未配置（缺少播放方式或密码）</translation>
    </message>
    <message>
        <source>Voice prompt {0} playing</source>
        <translation>第 {0} 次喊话播放中</translation>
    </message>
    <message>
        <source>Prompt {0} played, recheck in {1}</source>
        <translation>{1} 后复核（第 {0} 次喊话已播放）</translation>
    </message>
    <message>
        <source>Rechecking after prompt {0}</source>
        <translation>第 {0} 次喊话后复核中</translation>
    </message>
    <message>
        <source>Resolved by voice prompt</source>
        <translation>喊话后已离开</translation>
    </message>
    <message>
        <source>Still there after {0} prompts: case created</source>
        <translation>{0} 次喊话后仍在：已转案件</translation>
    </message>
    <message>
        <source>Voice escalation stopped by {2}</source>
        <translation>喊话升级已由 {2} 停止</translation>
    </message>
    <message>
        <source>Voice escalation ended</source>
        <translation>喊话升级已结束</translation>
    </message>
    <message>
        <source>Voice prompt</source>
        <translation>喊话</translation>
    </message>
    <message>
        <source> time(s)</source>
        <translation> 遍</translation>
    </message>
    <message>
        <source>Times (1–5)</source>
        <translation>播放遍数（1–5）</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>↑/↓ picks the prompt, 1–5 the times, Enter plays, Esc cancels.</source>
        <translation>↑/↓ 选择喊话内容，1–5 设定遍数，回车播放，Esc 取消。</translation>
    </message>
    <message>
        <source>An emergency broadcast plays on all {0} speakers of the site and interrupts every prompt and live talk playing there. Choose the prompt and confirm.</source>
        <translation>紧急广播将在全部 {0} 个喇叭上播放，并打断正在进行的所有喊话和讲话。请选择内容并确认。</translation>
    </message>
    <message>
        <source>Emergency broadcast</source>
        <translation>紧急广播</translation>
    </message>
    <message>
        <source>Broadcast now</source>
        <translation>立即广播</translation>
    </message>
    <message>
        <source>↑/↓ picks the prompt, 1–5 the times; Enter alone cancels.</source>
        <translation>↑/↓ 选择喊话内容，1–5 设定遍数；直接按回车将取消。</translation>
    </message>
    <message>
        <source>Select a tile or an alert first.</source>
        <translation>请先选择一个画面或一条告警。</translation>
    </message>
    <message>
        <source>The prompt “{0}” is not in the prompt library.</source>
        <translation>喊话内容「{0}」不在提示音库中。</translation>
    </message>
    <message>
        <source>Playing “{1}” {2} times on {0}</source>
        <translation>正在向 {0} 播放「{1}」{2} 遍</translation>
    </message>
    <message>
        <source>Playing “{1}” on {0}</source>
        <translation>正在向 {0} 播放「{1}」</translation>
    </message>
    <message>
        <source>To the speakers at {0}: {1}</source>
        <translation>向 {0} 的喇叭喊话：{1}</translation>
    </message>
    <message>
        <source>Stopped what played at {0}.</source>
        <translation>已停止 {0} 处的喊话。</translation>
    </message>
    <message>
        <source>Nothing plays at {0}.</source>
        <translation>{0} 处没有正在播放的喊话。</translation>
    </message>
    <message>
        <source>Only the shift leader may make an emergency broadcast.</source>
        <translation>只有值班长可以发起紧急广播。</translation>
    </message>
    <message>
        <source>No loudspeaker is set up in the site file.</source>
        <translation>站点配置中没有喇叭。</translation>
    </message>
    <message>
        <source>Emergency broadcast cancelled.</source>
        <translation>已取消紧急广播。</translation>
    </message>
    <message>
        <source>Emergency broadcast of “{0}” on all {1} speakers</source>
        <translation>正在向全部 {1} 个喇叭紧急广播「{0}」</translation>
    </message>
    <message>
        <source>the whole site</source>
        <translation>全部喇叭</translation>
    </message>
    <message>
        <source>Talking to {0}: release {1} to end</source>
        <translation>正在对 {0} 讲话，松开 {1} 结束</translation>
    </message>
    <message>
        <source>Voice escalation at {0} stopped.</source>
        <translation>已停止 {0} 的喊话升级。</translation>
    </message>
    <message>
        <source>The prompt is playing: skip once it has ended.</source>
        <translation>喊话正在播放，播放结束后才能跳过。</translation>
    </message>
    <message>
        <source>Skipped: {0}</source>
        <translation>已跳过：{0}</translation>
    </message>
    <message>
        <source>There is no voice escalation in this run.</source>
        <translation>本次运行没有启用喊话升级。</translation>
    </message>
    <message>
        <source>The selected alert has no voice escalation under way.</source>
        <translation>所选告警没有进行中的喊话升级。</translation>
    </message>
    <message>
        <source>Nothing played: {0}</source>
        <translation>未播放：{0}</translation>
    </message>
    <message>
        <source>{0} reached</source>
        <translation>{0} 已送达</translation>
    </message>
    <message>
        <source>{0} not reached ({1})</source>
        <translation>{0} 未送达（{1}）</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>Live talk at {0} ended: {1}</source>
        <translation>{0} 讲话结束：{1}</translation>
    </message>
    <message>
        <source>“{0}” at {1}: {2}</source>
        <translation>「{0}」（{1}）：{2}</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>No loudspeaker serves {0}: nothing was played.</source>
        <translation>没有喇叭覆盖 {0}，未播放。</translation>
    </message>
    <message>
        <source>Prompt {0} playing</source>
        <translation>第 {0} 次喊话中</translation>
    </message>
    <message>
        <source>Recheck {1}</source>
        <translation>复核 {1}</translation>
    </message>
    <message>
        <source>Rechecking</source>
        <translation>复核中</translation>
    </message>
    <message>
        <source>Prompt playing</source>
        <translation>喊话中</translation>
    </message>
    <message>
        <source>Live talk</source>
        <translation>讲话中</translation>
    </message>
    <message>
        <source>an operator</source>
        <translation>座席员</translation>
    </message>
    <message>
        <source>prompted {0} time(s)</source>
        <translation>已喊话 {0} 次</translation>
    </message>
    <message>
        <source> · </source>
        <translation> · </translation>
    </message>
    <message>
        <source>Speaker fault</source>
        <translation>喇叭故障</translation>
    </message>
    <message>
        <source>No microphone on this computer: live talk is not possible. Connect one and try again.</source>
        <translation>本机没有麦克风，无法讲话。请接上麦克风后再试。</translation>
    </message>
    <message>
        <source>The microphone “{0}” cannot be opened.</source>
        <translation>麦克风「{0}」无法打开。</translation>
    </message>
</context>
<context>
    <name>Wall</name>
    <message>
        <source>LIVE</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>CONNECTING</source>
        <translation>连接中</translation>
    </message>
    <message>
        <source>STALLED</source>
        <translation>卡顿</translation>
    </message>
    <message>
        <source>RECONNECTING</source>
        <translation>重连中</translation>
    </message>
    <message>
        <source>OFFLINE</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>NOT SHOWN</source>
        <translation>未显示</translation>
    </message>
    <message>
        <source>main stream</source>
        <translation>主码流</translation>
    </message>
    <message>
        <source>Alert: not yet taken</source>
        <translation>告警待签收</translation>
    </message>
    <message>
        <source>Alert muted</source>
        <translation>告警已静音</translation>
    </message>
    <message>
        <source>NO NEW PICTURE</source>
        <translation>画面停滞</translation>
    </message>
    <message>
        <source>last picture {0:.0f} s ago</source>
        <translation>最后一帧在 {0:.0f} 秒前</translation>
    </message>
    <message>
        <source>since {0}</source>
        <translation>自 {0} 起</translation>
    </message>
    <message>
        <source>drop a camera here</source>
        <translation>拖入摄像机</translation>
    </message>
    <message>
        <source>There is no tile {0}</source>
        <translation>没有画面 {0}</translation>
    </message>
    <message>
        <source>Go to tile: {0}_</source>
        <translation>前往画面：{0}_</translation>
    </message>
    <message>
        <source>Enter: go · Esc: cancel</source>
        <translation>回车 前往 · Esc 取消</translation>
    </message>
    <message>
        <source>{0}, {1} = “{2}”: not a number of seconds from {3} to {4}; the wall waits {5} s</source>
        <translation>{0}，{1} = “{2}”：不是 {3} 到 {4} 之间的秒数；视频墙按 {5} 秒等待</translation>
    </message>
    <message>
        <source>Tile numbers</source>
        <translation>画面编号</translation>
    </message>
    <message>
        <source>Digits typed for a tile number are kept this long after the last one (seconds);
a longer pause starts the number again.</source>
        <translation>输入画面编号时，最后一位数字后保留的时间（秒）；
停顿更久则重新输入。</translation>
    </message>
    <message>
        <source>Tile numbers: {0} s between digits</source>
        <translation>画面编号：数字间隔 {0} 秒</translation>
    </message>
    <message>
        <source>Locked · {0} min</source>
        <translation>已锁定 · {0} 分钟</translation>
    </message>
    <message>
        <source>Locked by you · {0} min left</source>
        <translation>已由您锁定 · 剩余 {0} 分钟</translation>
    </message>
    <message>
        <source>Locked by {0} · {1} min left</source>
        <translation>已由{0}锁定 · 剩余 {1} 分钟</translation>
    </message>
    <message>
        <source>You are steering</source>
        <translation>您正在控制</translation>
    </message>
    <message>
        <source>Steering</source>
        <translation>控制中</translation>
    </message>
    <message>
        <source>{0} steering</source>
        <translation>{0}控制中</translation>
    </message>
    <message>
        <source>PTZ</source>
        <translation>球机</translation>
    </message>
</context>
<context>
    <name>WindowRow</name>
    <message>
        <source>Mon</source>
        <translation>周一</translation>
    </message>
    <message>
        <source>Tue</source>
        <translation>周二</translation>
    </message>
    <message>
        <source>Wed</source>
        <translation>周三</translation>
    </message>
    <message>
        <source>Thu</source>
        <translation>周四</translation>
    </message>
    <message>
        <source>Fri</source>
        <translation>周五</translation>
    </message>
    <message>
        <source>Sat</source>
        <translation>周六</translation>
    </message>
    <message>
        <source>Sun</source>
        <translation>周日</translation>
    </message>
    <message>
        <source>from</source>
        <translation>从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Remove this time window</source>
        <translation>删除此时段</translation>
    </message>
    <message>
        <source>ends the next day</source>
        <translation>次日结束</translation>
    </message>
</context>
<context>
    <name>ZoneEditor</name>
    <message>
        <source>No-vending zone</source>
        <translation>禁止区域</translation>
    </message>
    <message>
        <source>Bin</source>
        <translation>垃圾桶</translation>
    </message>
    <message>
        <source>Mask</source>
        <translation>屏蔽区</translation>
    </message>
    <message>
        <source>No-vending zone {0}</source>
        <translation>禁止区域 {0}</translation>
    </message>
    <message>
        <source>Bin {0}</source>
        <translation>垃圾桶 {0}</translation>
    </message>
    <message>
        <source>Mask {0}</source>
        <translation>屏蔽区 {0}</translation>
    </message>
    <message>
        <source>Give the shape a name.</source>
        <translation>请为该区域命名。</translation>
    </message>
    <message>
        <source>The outline crosses itself: drag a point so that it does not.</source>
        <translation>轮廓自相交：请拖动顶点使边线不交叉。</translation>
    </message>
    <message>
        <source>The shape is too small to watch: draw it bigger.</source>
        <translation>区域太小，无法检测：请画大一些。</translation>
    </message>
    <message>
        <source>A shape needs at least 3 points.</source>
        <translation>区域至少需要 3 个顶点。</translation>
    </message>
    <message>
        <source>The overflow line must cross the bin: between a little above its top and its foot. Drag the dashed line.</source>
        <translation>溢出线必须穿过垃圾桶：位于桶口稍上方与桶底之间。请拖动虚线。</translation>
    </message>
    <message>
        <source>A bin needs an overflow line.</source>
        <translation>垃圾桶需要一条溢出线。</translation>
    </message>
    <message>
        <source>Every point must lie on the picture.</source>
        <translation>所有顶点都必须在画面内。</translation>
    </message>
    <message>
        <source>{0} ({1})</source>
        <translation>{0}（{1}）</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>{0:g} s</source>
        <translation>{0:g} 秒</translation>
    </message>
    <message>
        <source>Alert after</source>
        <translation>告警前停留</translation>
    </message>
    <message>
        <source>Seen in</source>
        <translation>命中比例</translation>
    </message>
    <message>
        <source>{0:.0%} of checks</source>
        <translation>占检测次数的 {0:.0%}</translation>
    </message>
    <message>
        <source>Clears below</source>
        <translation>消除条件</translation>
    </message>
    <message>
        <source>{0:.0%} over {1:g} s</source>
        <translation>{1:g} 秒内低于 {0:.0%}</translation>
    </message>
    <message>
        <source>Quiet after clearing</source>
        <translation>消除后静默</translation>
    </message>
    <message>
        <source>Checks</source>
        <translation>检测</translation>
    </message>
    <message>
        <source>Every</source>
        <translation>间隔</translation>
    </message>
    <message>
        <source>After a PTZ camera settles, wait</source>
        <translation>球机到位后等待</translation>
    </message>
    <message>
        <source>Detection is switched off for this site.</source>
        <translation>本站点的检测已关闭。</translation>
    </message>
    <message>
        <source>Lowest score</source>
        <translation>最低置信度</translation>
    </message>
    <message>
        <source>What counts</source>
        <translation>计入的目标</translation>
    </message>
    <message>
        <source>Street vending (no-vending zones)</source>
        <translation>占道经营（禁止区域）</translation>
    </message>
    <message>
        <source>Overflow score from</source>
        <translation>满溢分数阈值</translation>
    </message>
    <message>
        <source>Bin overflowing (bins)</source>
        <translation>垃圾满溢（垃圾桶）</translation>
    </message>
    <message>
        <source>A shape needs at least 3 points: delete the shape instead (Shift+Del).</source>
        <translation>区域至少需要 3 个顶点：如要去掉，请删除整个区域（Shift+Del）。</translation>
    </message>
    <message>
        <source>A bin is a rectangle: drag its corners instead.</source>
        <translation>垃圾桶是矩形：请拖动它的角点。</translation>
    </message>
    <message>
        <source>Waiting for the picture…</source>
        <translation>正在等待画面…</translation>
    </message>
    <message>
        <source>overflow line</source>
        <translation>溢出线</translation>
    </message>
    <message>
        <source>Drag points, lines and shapes. N: new no-vending zone · B: new bin · M: new mask · [ ]: pick a point · arrows: move it · Del: delete it · Shift+Del: delete the shape</source>
        <translation>可拖动顶点、溢出线和整个区域。N：新建禁止区域 · B：新建垃圾桶 · M：新建屏蔽区 · [ ]：选择顶点 · 方向键：移动 · Del：删除顶点 · Shift+Del：删除区域</translation>
    </message>
    <message>
        <source>Click to add points; double-click, Enter or a click on the first point closes the outline. Backspace: take the last point back · Esc: cancel · arrows + Space: points by keyboard</source>
        <translation>单击添加顶点；双击、回车或单击第一个顶点闭合轮廓。Backspace：撤回上一个顶点 · Esc：取消 · 方向键 + 空格：用键盘加点</translation>
    </message>
    <message>
        <source>Masks cover what must never be analysed (the clock, OSD text). Click to add points; double-click or Enter closes. Esc: cancel</source>
        <translation>屏蔽区遮住不参与分析的内容（时间水印、OSD 文字）。单击添加顶点；双击或回车闭合。Esc：取消</translation>
    </message>
    <message>
        <source>Drag a rectangle around the bin&apos;s body (or arrows + Space at two corners); then drag the dashed overflow line a little above its rim. Esc: cancel</source>
        <translation>拖出一个框住桶身的矩形（或用方向键 + 空格确定两个角点）；再把虚线溢出线拖到桶口稍上方。Esc：取消</translation>
    </message>
    <message>
        <source>Zones — {0}</source>
        <translation>区域 — {0}</translation>
    </message>
    <message>
        <source>New &amp;no-vending zone (N)</source>
        <translation>新建禁止区域(&amp;N)</translation>
    </message>
    <message>
        <source>New &amp;bin (B)</source>
        <translation>新建垃圾桶(&amp;B)</translation>
    </message>
    <message>
        <source>New &amp;mask (M)</source>
        <translation>新建屏蔽区(&amp;M)</translation>
    </message>
    <message>
        <source>N&amp;ame</source>
        <translation>名称(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Rule</source>
        <translation>规则(&amp;R)</translation>
    </message>
    <message>
        <source>Delete shape (Shift+Del)</source>
        <translation>删除区域（Shift+Del）</translation>
    </message>
    <message>
        <source>Selected shape</source>
        <translation>选中的区域</translation>
    </message>
    <message>
        <source>Rules that apply (read-only)</source>
        <translation>适用规则（只读）</translation>
    </message>
    <message>
        <source>&amp;Save (Ctrl+S)</source>
        <translation>保存(&amp;S)（Ctrl+S）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>These rules are part of the site&apos;s detection settings: the system administrator changes them in the site file. A mask is never analysed.</source>
        <translation>这些规则属于站点的检测设置，由系统管理员在站点文件中修改。屏蔽区不参与分析。</translation>
    </message>
    <message>
        <source>Where the camera points is not known yet. Zones belong to a preset: editing waits.</source>
        <translation>尚不清楚摄像机的朝向。区域按预置位划定：暂不能编辑。</translation>
    </message>
    <message>
        <source>The camera is moving. Zones belong to a preset: editing waits until it settles on one.</source>
        <translation>摄像机正在转动。区域按预置位划定：待其停在预置位后才能编辑。</translation>
    </message>
    <message>
        <source>The camera is not on a preset. Zones can only be drawn at a preset: send it to one (PTZ panel).</source>
        <translation>摄像机不在预置位上。区域只能在预置位上划定：请先调到某个预置位（云台面板）。</translation>
    </message>
    <message>
        <source>The camera went to preset {0}; these shapes belong to preset {1}. Save them, or send the camera back to {1}.</source>
        <translation>摄像机已转到预置位 {0}；这些区域属于预置位 {1}。请先保存，或把摄像机调回 {1}。</translation>
    </message>
    <message>
        <source>Fixed camera: one view.</source>
        <translation>枪机：只有一个画面。</translation>
    </message>
    <message>
        <source>PTZ camera: waiting for a preset.</source>
        <translation>球机：等待到达预置位。</translation>
    </message>
    <message>
        <source>PTZ camera, preset {0}: these zones apply only there.</source>
        <translation>球机，预置位 {0}：这些区域只在该预置位生效。</translation>
    </message>
    <message>
        <source>Not saved: {0} shape(s) have a problem, written next to them.</source>
        <translation>未保存：{0} 个区域有问题，已在区域旁注明。</translation>
    </message>
    <message>
        <source>Not saved: {0}</source>
        <translation>未保存：{0}</translation>
    </message>
    <message>
        <source>Unsaved changes: press Esc or Cancel again to discard them.</source>
        <translation>有未保存的修改：再按一次 Esc 或“取消”将放弃修改。</translation>
    </message>
</context>
</TS>
